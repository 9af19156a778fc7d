// Parser for ARM template expressions ("[concat('a', parameters('b')).c]"), enough for what Bicep emits.

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "property"; target: Expr; name: string }
  | { kind: "index"; target: Expr; index: Expr };

/** True when a template string is an expression: "[...]" but not the "[[" escape of a literal. */
export function isExpression(text: string): boolean {
  return text.startsWith("[") && text.endsWith("]") && !text.startsWith("[[");
}

/** Parses the expression inside "[...]"; throws with the position on malformed input. */
export function parseExpression(text: string): Expr {
  if (!isExpression(text)) throw new Error(`not an ARM expression: ${text}`);
  const parser = new Parser(text.slice(1, -1));
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("unexpected trailing text");
  return expr;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text.charAt(this.pos))) this.pos++;
  }

  fail(message: string): never {
    throw new Error(`${message} at ${this.pos} in [${this.text}]`);
  }

  expression(): Expr {
    let expr = this.primary();
    for (;;) {
      this.skipSpace();
      const c = this.text.charAt(this.pos);
      if (c === ".") {
        this.pos++;
        expr = { kind: "property", target: expr, name: this.identifier() };
      } else if (c === "[") {
        this.pos++;
        const index = this.expression();
        this.expect("]");
        expr = { kind: "index", target: expr, index };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    this.skipSpace();
    const c = this.text.charAt(this.pos);
    if (c === "'") return { kind: "string", value: this.stringLiteral() };
    if (/[-0-9]/.test(c)) return { kind: "number", value: this.numberLiteral() };
    const name = this.identifier();
    this.expect("(");
    const args: Expr[] = [];
    this.skipSpace();
    if (this.text.charAt(this.pos) === ")") {
      this.pos++;
      return { kind: "call", name, args };
    }
    for (;;) {
      args.push(this.expression());
      this.skipSpace();
      const next = this.text.charAt(this.pos);
      this.pos++;
      if (next === ")") return { kind: "call", name, args };
      if (next !== ",") this.fail("expected ',' or ')'");
    }
  }

  private identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_]*)?(?=\s*\()|^[A-Za-z_$][A-Za-z0-9_$]*/.exec(
      this.text.slice(this.pos),
    );
    if (match == null) this.fail("expected an identifier");
    this.pos += match[0].length;
    return match[0];
  }

  private stringLiteral(): string {
    let value = "";
    this.pos++; // opening quote
    for (;;) {
      if (this.atEnd()) this.fail("unterminated string");
      const c = this.text.charAt(this.pos++);
      if (c !== "'") {
        value += c;
      } else if (this.text.charAt(this.pos) === "'") {
        value += "'"; // '' escapes a quote
        this.pos++;
      } else {
        return value;
      }
    }
  }

  private numberLiteral(): number {
    const match = /^-?[0-9]+(\.[0-9]+)?/.exec(this.text.slice(this.pos));
    if (match == null) this.fail("expected a number");
    this.pos += match[0].length;
    return Number(match[0]);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.text.charAt(this.pos) !== c) this.fail(`expected '${c}'`);
    this.pos++;
  }
}
