import { Tokenizer, TokenType } from "@streamparser/json";

/**
 * A JSON object whose big arrays are read item by item: a page of 5,000 Power BI workspaces, a scan result. Only the
 * body's bytes are held (a Buffer, outside the JavaScript heap); an item becomes objects when it is taken, so the
 * objects alive at any time are the items in hand, not the page.
 */
export interface JsonItems {
  /** The object's members other than the arrays read item by item, parsed whole. */
  readonly envelope: Readonly<Record<string, unknown>>;
  /** How many items the member's array holds; undefined when the object has no such array (absent or not an array). */
  count(member: string): number | undefined;
  /** The member's items in order, each parsed (as JSON.parse would) only when it is taken. Empty without the array. */
  items(member: string): Generator<unknown, void, undefined>;
  /** Size of the body held. */
  readonly bytes: number;
}

/** The body is not one valid JSON document. */
export class JsonSyntaxError extends Error {
  override readonly name = "JsonSyntaxError";
}

/** What the grammar allows next. */
const enum Next {
  Value,
  /** After `[`: a value or `]`. */
  ValueOrClose,
  /** After `{`: a key or `}`. */
  KeyOrClose,
  /** After `,` in an object. */
  Key,
  Colon,
  CommaOrClose,
  /** The root value is complete: only whitespace may follow. */
  End,
}

const VALUE_STARTS = new Set<TokenType>([
  TokenType.LEFT_BRACE,
  TokenType.LEFT_BRACKET,
  TokenType.STRING,
  TokenType.NUMBER,
  TokenType.TRUE,
  TokenType.FALSE,
  TokenType.NULL,
]);

/**
 * Checks that the body (its chunks as they arrived, kept as they are: no copy of the whole) is one valid JSON
 * document and finds where each item of the `members` arrays of its root object (and each other member's value)
 * starts and ends, in one pass of @streamparser/json's tokenizer. Nothing is built but the other members' values.
 * Throws JsonSyntaxError on invalid JSON: so it can run inside the retry loop, and a truncated or garbled page is
 * fetched again before any of its items is handed out.
 */
export function indexJsonItems(chunks: readonly Buffer[], members: readonly string[]): JsonItems {
  const bytes = new ChunkedBytes(chunks);
  const streamed = new Set(members);
  const arrays = new Map<string, number[]>();
  const values = new Map<string, [start: number, end: number]>();
  /** true for an array, false for an object, innermost last. */
  const stack: boolean[] = [];
  let next = Next.Value as Next;
  let key = "";
  /** The streamed array being read (its item bounds, start and end in turn), while inside it. */
  let items: number[] | undefined;
  /** Where the value of the current root member, or the current item, started; -1 when none is open. */
  let memberStart = -1;
  let itemStart = -1;

  const tokenizer = new Tokenizer();
  tokenizer.onToken = ({ token, value, offset }) => {
    // Depth 1 is inside the root, which only counts as an envelope when it is an object.
    const depth = stack[0] === false ? stack.length : 0;
    // A value ends where the next token at its own level starts (`,` or the closer); JSON.parse allows the space.
    if (token === TokenType.COMMA || token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      if (depth === 2 && items !== undefined && itemStart >= 0) {
        items.push(itemStart, offset);
        itemStart = -1;
      } else if (depth === 1 && memberStart >= 0) {
        if (items === undefined) values.set(key, [memberStart, offset]);
        memberStart = -1;
        items = undefined;
      }
    } else if (VALUE_STARTS.has(token) && (next === Next.Value || next === Next.ValueOrClose)) {
      if (depth === 1) {
        memberStart = offset;
        if (token === TokenType.LEFT_BRACKET && streamed.has(key)) {
          items = [];
          arrays.set(key, items);
          values.delete(key);
        } else arrays.delete(key);
      } else if (depth === 2 && items !== undefined) itemStart = offset;
    }
    next = step(stack, next, token);
    if (next === Next.Colon && depth === 1) key = value as string;
  };
  try {
    for (const chunk of bytes.chunks) tokenizer.write(chunk);
    tokenizer.end();
  } catch (error) {
    throw new JsonSyntaxError(error instanceof Error ? error.message : String(error));
  }
  if (next !== Next.End) throw new JsonSyntaxError("the document ends before its last value does");

  const envelope: Record<string, unknown> = {};
  for (const [name, [start, end]] of values) {
    // An own property, as JSON.parse makes it: `envelope[name] =` would set the prototype for "__proto__".
    const value: unknown = JSON.parse(bytes.text(start, end));
    Object.defineProperty(envelope, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return {
    envelope,
    bytes: bytes.length,
    count: (member) => {
      const bounds = arrays.get(member);
      return bounds === undefined ? undefined : bounds.length / 2;
    },
    items: function* (member) {
      const bounds = arrays.get(member) ?? [];
      for (let index = 0; index < bounds.length; index += 2) {
        yield JSON.parse(bytes.text(bounds[index]!, bounds[index + 1]!));
      }
    },
  };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A body as the chunks it arrived in, read by offset across them. */
class ChunkedBytes {
  readonly chunks: readonly Buffer[];
  /** Where each chunk starts in the body. */
  private readonly starts: number[] = [];
  readonly length: number;

  constructor(chunks: readonly Buffer[]) {
    // The tokenizer skips a byte order mark without counting it in its offsets, so it goes first, wherever cut.
    // Three chunks need not hold three bytes (a chunk may be empty): the head is read across as many as it takes.
    const head = Buffer.concat(chunks, BOM.length).subarray(0, BOM.length);
    let skip = head.equals(BOM) ? BOM.length : 0;
    const kept: Buffer[] = [];
    for (const chunk of chunks) {
      const rest = chunk.subarray(Math.min(skip, chunk.length));
      skip -= chunk.length - rest.length;
      if (rest.length > 0) kept.push(rest);
    }
    this.chunks = kept;
    let offset = 0;
    for (const chunk of this.chunks) {
      this.starts.push(offset);
      offset += chunk.length;
    }
    this.length = offset;
  }

  /** The UTF-8 text of bytes [start, end): a copy only of what spans chunks. */
  text(start: number, end: number): string {
    let index = this.chunkAt(start);
    const chunk = this.chunks[index]!;
    const from = start - this.starts[index]!;
    if (end - this.starts[index]! <= chunk.length) return chunk.toString("utf8", from, end - this.starts[index]!);
    const pieces = [chunk.subarray(from)];
    for (index++; index < this.chunks.length && this.starts[index]! < end; index++) {
      pieces.push(this.chunks[index]!.subarray(0, end - this.starts[index]!));
    }
    return Buffer.concat(pieces).toString("utf8");
  }

  /** The chunk holding byte `offset` (binary search). */
  private chunkAt(offset: number): number {
    let [low, high] = [0, this.starts.length - 1];
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }
}

/** JSON's grammar over tokens: what may come after `token`, or a JsonSyntaxError when it may not come here. */
function step(stack: boolean[], next: Next, token: TokenType): Next {
  const unexpected = () => new JsonSyntaxError(`unexpected ${TokenType[token]} in the JSON document`);
  const afterValue = () => (stack.length === 0 ? Next.End : Next.CommaOrClose);
  switch (token) {
    case TokenType.LEFT_BRACE:
    case TokenType.LEFT_BRACKET:
      if (next !== Next.Value && next !== Next.ValueOrClose) throw unexpected();
      stack.push(token === TokenType.LEFT_BRACKET);
      return token === TokenType.LEFT_BRACKET ? Next.ValueOrClose : Next.KeyOrClose;
    case TokenType.RIGHT_BRACE:
    case TokenType.RIGHT_BRACKET: {
      const isArray = token === TokenType.RIGHT_BRACKET;
      const open = isArray ? Next.ValueOrClose : Next.KeyOrClose;
      if (stack.at(-1) !== isArray || (next !== open && next !== Next.CommaOrClose)) throw unexpected();
      stack.pop();
      return afterValue();
    }
    case TokenType.COLON:
      if (next !== Next.Colon) throw unexpected();
      return Next.Value;
    case TokenType.COMMA:
      if (next !== Next.CommaOrClose) throw unexpected();
      return stack.at(-1) === true ? Next.Value : Next.Key;
    case TokenType.STRING:
      if (next === Next.KeyOrClose || next === Next.Key) return Next.Colon;
      if (next !== Next.Value && next !== Next.ValueOrClose) throw unexpected();
      return afterValue();
    default:
      if (next !== Next.Value && next !== Next.ValueOrClose) throw unexpected();
      return afterValue();
  }
}
