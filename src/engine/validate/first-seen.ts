/**
 * First row per unique value. Small non-negative integers (ids) go in a dense Int32Array
 * (4 bytes per id instead of a Map entry); anything else goes in a Map, whose keys compare
 * numbers by value ("1.0" and 1 collide), as the dense part does.
 */
const DENSE_CAP = 1 << 22;

export class FirstSeen {
  private dense = new Int32Array(1024);
  private readonly other = new Map<unknown, number>();

  /** The first row that held `value`, or undefined after recording `row` as its first row. */
  firstOrAdd(value: unknown, row: number): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < DENSE_CAP && row > 0) {
      let dense = this.dense;
      if (value >= dense.length) {
        let size = dense.length;
        while (size <= value) size *= 2;
        const grown = new Int32Array(Math.min(size, DENSE_CAP));
        grown.set(dense);
        this.dense = dense = grown;
      }
      const first = dense[value];
      if (first !== 0) return first;
      dense[value] = row;
      return undefined;
    }
    const first = this.other.get(value);
    if (first === undefined) this.other.set(value, row);
    return first;
  }
}
