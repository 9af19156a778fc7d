/**
 * How a kind's snapshots are compared: which row set holds the items (one per id), and which arrays live in child
 * rows beside them (keyed `${item row key}|${array}|${index}`, see childSuffix), with what identifies an element of
 * each, so a diff can say which elements were added, removed or changed rather than "the array differs".
 */
export interface DiffDeclaration {
  readonly rowSet: string;
  /**
   * Arrays held inside the items themselves, compared element by element like the child arrays: array name → the
   * element properties tried in turn as its identity.
   */
  readonly arrays?: Readonly<Record<string, readonly string[]>>;
  readonly children?: {
    readonly rowSet: string;
    /** Array name → the element properties tried in turn as its identity (the first non-empty string wins). */
    readonly arrays: Readonly<Record<string, readonly string[]>>;
  };
}
