// Evaluates a compiled ARM template (classic or languageVersion 2.0, with nested module deployments) into the concrete
// resources it would deploy, so tests can assert on values instead of on expression text.
import { isExpression, parseExpression, type Expr } from "./armExpression";
import {
  asString,
  callFunction,
  getProperty,
  isObject,
  providerPath,
  RuntimeRef,
  type DeploymentTarget,
  type FunctionHost,
  type Value,
  type ValueObject,
} from "./armFunctions";

export interface EvaluatedResource {
  /** Nested deployment names from the top template down, e.g. ["rbac"]; [] for the top template. */
  modulePath: string[];
  type: string;
  apiVersion: string;
  name: string;
  id: string;
  /** Absolute id of the scope of an extension resource (role assignments), else undefined. */
  scope: string | undefined;
  /** The condition held and so did every enclosing module's; existing resources are never deployed. */
  deployed: boolean;
  existing: boolean;
  /** Evaluated top-level properties: properties, kind, sku, identity, tags, location. */
  body: ValueObject;
}

export interface EvaluatedDeployment {
  resources: EvaluatedResource[];
  outputs: Record<string, Value>;
  /** Outputs of every nested deployment, by module path joined with "/". */
  moduleOutputs: Record<string, Record<string, Value>>;
}

interface Entry {
  symbol: string;
  raw: ValueObject;
}

const evaluatedKeys = ["properties", "kind", "sku", "identity", "tags", "location"];

function expectObject(value: Value | undefined, what: string): ValueObject {
  if (!isObject(value)) throw new Error(`${what} is not an object`);
  return value;
}

class TemplateScope implements FunctionHost {
  private readonly entries: Entry[];
  private readonly parameterValues = new Map<string, Value>();
  private readonly variableValues = new Map<string, Value>();
  private readonly nested = new Map<string, TemplateScope>();
  private outputsMemo: Record<string, Value> | undefined;

  constructor(
    private readonly template: ValueObject,
    private readonly given: Record<string, Value>,
    readonly target: DeploymentTarget,
    private readonly modulePath: string[],
    private readonly deployed: boolean,
  ) {
    const resources = template.resources ?? [];
    if (Array.isArray(resources)) {
      this.entries = resources.map((r, i) => ({ symbol: `#${i}`, raw: expectObject(r, "resource") }));
    } else {
      const object = expectObject(resources, "resources");
      this.entries = Object.entries(object).map(([symbol, r]) => ({ symbol, raw: expectObject(r, symbol) }));
    }
    for (const entry of this.entries) {
      if ("copy" in entry.raw) throw new Error(`resource loops (copy) are not supported: ${entry.symbol}`);
    }
  }

  parameter(name: string): Value {
    const known = this.parameterValues.get(name);
    if (known !== undefined) return known;
    const definition = expectObject(expectObject(this.template.parameters ?? {}, "parameters")[name], name);
    let value: Value;
    if (name in this.given) value = this.given[name] ?? null;
    else if ("defaultValue" in definition) value = this.evaluate(definition.defaultValue ?? null);
    else throw new Error(`parameter ${name} has no value and no default`);
    this.parameterValues.set(name, value);
    return value;
  }

  variable(name: string): Value {
    const known = this.variableValues.get(name);
    if (known !== undefined) return known;
    const variables = expectObject(this.template.variables ?? {}, "variables");
    if (!(name in variables)) throw new Error(`unknown variable ${name}`);
    const value = this.evaluate(variables[name] ?? null);
    this.variableValues.set(name, value);
    return value;
  }

  reference(target: string, full: boolean): Value {
    const entry = this.entries.find((e) => e.symbol === target) ?? this.entryById(target);
    if (entry !== undefined && this.typeOf(entry) === "Microsoft.Resources/deployments") {
      const outputs = this.nestedScope(entry).outputs();
      const wrapped: ValueObject = {};
      for (const [k, v] of Object.entries(outputs)) wrapped[k] = { value: v };
      return { outputs: wrapped };
    }
    const id = entry !== undefined ? this.idOf(entry) : target;
    return new RuntimeRef(id, full ? ["full"] : []);
  }

  /** Evaluates a template value: strings that are expressions, and objects (keys included) and arrays deeply. */
  evaluate(value: Value): Value {
    if (typeof value === "string") {
      if (isExpression(value)) return this.evalExpr(parseExpression(value));
      return value.startsWith("[[") ? value.slice(1) : value;
    }
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v));
    if (isObject(value)) {
      const out: ValueObject = {};
      for (const [k, v] of Object.entries(value)) out[asString(this.evaluate(k))] = this.evaluate(v);
      return out;
    }
    return value;
  }

  private evalExpr(expr: Expr): Value {
    switch (expr.kind) {
      case "string":
      case "number":
        return expr.value;
      case "property":
        return this.property(this.evalExpr(expr.target), expr.name);
      case "index": {
        const index = this.evalExpr(expr.index);
        return this.property(this.evalExpr(expr.target), asString(index));
      }
      case "call": {
        // if() evaluates only the branch it takes, as ARM does.
        if (expr.name.toLowerCase() === "if" && expr.args.length === 3) {
          const [cond, then, otherwise] = expr.args as [Expr, Expr, Expr];
          return this.evalExpr(this.evalExpr(cond) === true ? then : otherwise);
        }
        return callFunction(
          expr.name,
          expr.args.map((a) => this.evalExpr(a)),
          this,
        );
      }
    }
  }

  private property(target: Value, name: string): Value {
    // reference(id, api, 'full').properties.x and reference(id).x are the same value.
    if (target instanceof RuntimeRef && target.path.length === 1 && target.path[0] === "full") {
      return name === "properties" ? new RuntimeRef(target.resourceId, []) : new RuntimeRef(target.resourceId, [name]);
    }
    return getProperty(target, name);
  }

  private typeOf(entry: Entry): string {
    return asString(entry.raw.type ?? "");
  }

  private nameOf(entry: Entry): string {
    return asString(this.evaluate(entry.raw.name ?? ""));
  }

  private scopeOf(entry: Entry): string | undefined {
    if (!("scope" in entry.raw)) return undefined;
    const scope = asString(this.evaluate(entry.raw.scope ?? ""));
    const rg = `/subscriptions/${this.target.subscriptionId}/resourceGroups/${this.target.resourceGroupName}`;
    return scope.startsWith("/") ? scope : `${rg}/providers/${scope}`;
  }

  private idOf(entry: Entry): string {
    const type = this.typeOf(entry);
    const scope = this.scopeOf(entry);
    const path = providerPath(type, [this.nameOf(entry)]);
    if (scope !== undefined) return `${scope}/${path}`;
    if ("subscriptionId" in entry.raw || "resourceGroup" in entry.raw) {
      throw new Error(`cross-scope resources are not supported: ${entry.symbol}`);
    }
    return `/subscriptions/${this.target.subscriptionId}/resourceGroups/${this.target.resourceGroupName}/${path}`;
  }

  private entryById(id: string): Entry | undefined {
    return this.entries.find((e) => this.idOf(e).toLowerCase() === id.toLowerCase());
  }

  private conditionHolds(entry: Entry): boolean {
    return !("condition" in entry.raw) || this.evaluate(entry.raw.condition ?? null) === true;
  }

  private nestedScope(entry: Entry): TemplateScope {
    const known = this.nested.get(entry.symbol);
    if (known !== undefined) return known;
    const properties = expectObject(entry.raw.properties, `${entry.symbol}.properties`);
    const options = isObject(properties.expressionEvaluationOptions) ? properties.expressionEvaluationOptions : {};
    if (options.scope !== "inner") throw new Error(`module ${entry.symbol} must use inner expression evaluation`);
    const given: Record<string, Value> = {};
    const parameters = expectObject(properties.parameters ?? {}, `${entry.symbol}.parameters`);
    for (const [name, p] of Object.entries(parameters)) {
      // A parameter that reads a conditional module's output is one expression that yields the whole {value}.
      const parameter = typeof p === "string" ? this.evaluate(p) : p;
      given[name] = this.evaluate(expectObject(parameter, name).value ?? null);
    }
    const template = expectObject(properties.template, `${entry.symbol}.template`);
    const name = this.nameOf(entry);
    const deployed = this.deployed && this.conditionHolds(entry);
    const scope = new TemplateScope(template, given, this.target, [...this.modulePath, name], deployed);
    this.nested.set(entry.symbol, scope);
    return scope;
  }

  outputs(): Record<string, Value> {
    if (this.outputsMemo !== undefined) return this.outputsMemo;
    const outputs: Record<string, Value> = {};
    for (const [name, o] of Object.entries(expectObject(this.template.outputs ?? {}, "outputs"))) {
      outputs[name] = this.evaluate(expectObject(o, name).value ?? null);
    }
    this.outputsMemo = outputs;
    return outputs;
  }

  collect(into: EvaluatedDeployment): void {
    for (const entry of this.entries) {
      const type = this.typeOf(entry);
      const existing = entry.raw.existing === true;
      const deployed = this.deployed && !existing && this.conditionHolds(entry);
      const body: ValueObject = {};
      if (!existing && type !== "Microsoft.Resources/deployments") {
        for (const key of evaluatedKeys) if (key in entry.raw) body[key] = this.evaluate(entry.raw[key] ?? null);
      }
      into.resources.push({
        modulePath: this.modulePath,
        type,
        apiVersion: asString(entry.raw.apiVersion ?? ""),
        name: this.nameOf(entry),
        id: this.idOf(entry),
        scope: this.scopeOf(entry),
        deployed,
        existing,
        body,
      });
      if (type === "Microsoft.Resources/deployments") {
        const nested = this.nestedScope(entry);
        nested.collect(into);
        into.moduleOutputs[[...this.modulePath, this.nameOf(entry)].join("/")] = nested.outputs();
      }
    }
  }
}

/** Evaluates `template` deployed to `target` with the given parameter values (defaults fill the rest). */
export function evaluateDeployment(
  template: ValueObject,
  parameters: Record<string, Value>,
  target: DeploymentTarget,
): EvaluatedDeployment {
  const scope = new TemplateScope(template, parameters, target, [], true);
  const result: EvaluatedDeployment = { resources: [], outputs: {}, moduleOutputs: {} };
  scope.collect(result);
  result.outputs = scope.outputs();
  return result;
}
