import type { ValidationIssue } from '../validate/types.js';
import { parseCellRef } from './cell-ref.js';

export interface IssueIndexLimits {
  /** Cells that get a comment. Default 200,000; beyond, cells are highlighted without one. */
  readonly maxCommentedCells: number;
  /** Cells that get highlighted at all. Default 2,000,000; beyond, they are only listed. */
  readonly maxHighlightedCells: number;
  /** Characters of one comment. Default 2,000. */
  readonly maxCommentChars: number;
}

export const DEFAULT_ISSUE_INDEX_LIMITS: IssueIndexLimits = {
  maxCommentedCells: 200_000,
  maxHighlightedCells: 2_000_000,
  maxCommentChars: 2_000,
};

/**
 * The bad cells of a sheet, by row then column, with the comment text each one gets. Memory grows
 * with the number of bad cells (not rows), and is capped by the limits above.
 */
export class IssueIndex {
  private readonly byRow = new Map<number, Map<number, string | null>>();
  private highlighted = 0;
  private commented = 0;
  /** Issues about a cell that could not be highlighted because a cap was reached. */
  notHighlighted = 0;

  constructor(private readonly limits: IssueIndexLimits = DEFAULT_ISSUE_INDEX_LIMITS) {}

  add(issue: ValidationIssue): void {
    if (issue.cell === null) return;
    const at = parseCellRef(issue.cell);
    if (at === null) return;
    let cells = this.byRow.get(at.row);
    const existing = cells?.get(at.column);
    if (existing !== undefined) {
      if (existing !== null && existing.length < this.limits.maxCommentChars) {
        cells!.set(at.column, clip(`${existing}\n${issue.message}`, this.limits.maxCommentChars));
      }
      return;
    }
    if (this.highlighted >= this.limits.maxHighlightedCells) {
      this.notHighlighted += 1;
      return;
    }
    if (!cells) {
      cells = new Map();
      this.byRow.set(at.row, cells);
    }
    this.highlighted += 1;
    if (this.commented < this.limits.maxCommentedCells) {
      this.commented += 1;
      cells.set(at.column, clip(issue.message, this.limits.maxCommentChars));
    } else {
      cells.set(at.column, null);
    }
  }

  get commentCount(): number {
    return this.commented;
  }

  /** Row numbers with at least one bad cell, ascending. */
  rows(): number[] {
    return [...this.byRow.keys()].sort((a, b) => a - b);
  }

  /** Bad cells of one row: column index → comment text (null: highlighted, no comment). */
  cellsOf(row: number): ReadonlyMap<number, string | null> | undefined {
    return this.byRow.get(row);
  }

  /** Every comment in sheet order (row, then column), which is the order Excel writes them. */
  *comments(): Generator<{ row: number; column: number; text: string }> {
    for (const row of this.rows()) {
      const cells = this.byRow.get(row)!;
      for (const column of [...cells.keys()].sort((a, b) => a - b)) {
        const text = cells.get(column);
        if (text) yield { row, column, text };
      }
    }
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
