// A rejected configuration change comes back as `{ code: 'TRYGG_SRV_CONFIG_REJECTED', problems }`
// with each problem as `path: message` (`sites.0.rooms.3.zoneId: unknown zone "x"`). This puts
// each problem, in the reader's language (problem-text.ts), next to the form field it is about;
// the rest go to the top of the form. A field that edits a list of its own (a chain's steps)
// gets its problems with the rest of the path, so only the step and input concerned are marked.
import { generalProblemText, problemText } from './problem-text';

/** A problem inside a field: the path below the field (`['1', 'afterSeconds']`) and its text. */
export interface NestedProblem {
  path: string[];
  text: string;
}

export interface PlacedProblems {
  byField: Record<string, string[]>;
  /** Problems inside the target's `nested` fields, with their path below the field. */
  within: Record<string, NestedProblem[]>;
  general: string[];
}

export const NO_PROBLEMS: PlacedProblems = { byField: {}, within: {}, general: [] };

export interface ProblemTarget {
  /** Last path segment before the item index: `rooms`, `users`, `sites` ... */
  collection: string;
  /** Index of the edited item in its list, or null to accept any index. */
  index: number | null;
  /** The fields the form shows; a problem about any other field is general. */
  fields: readonly string[];
  /** Fields that place problems inside themselves (`steps`): theirs go to `within`. */
  nested?: readonly string[];
}

export function placeProblems(problems: readonly string[], target: ProblemTarget): PlacedProblems {
  const byField: Record<string, string[]> = {};
  const within: Record<string, NestedProblem[]> = {};
  const general: string[] = [];
  for (const problem of problems) {
    const colon = problem.indexOf(': ');
    const path = colon > 0 ? problem.slice(0, colon) : '';
    const message = colon > 0 ? problem.slice(colon + 2) : problem;
    const segments = path.split('.');
    let field: string | undefined;
    let below: string[] = [];
    const at = segments.lastIndexOf(target.collection);
    if (at >= 0 && /^\d+$/.test(segments[at + 1] ?? '')) {
      const index = Number(segments[at + 1]);
      if (target.index === null || index === target.index) {
        field = segments[at + 2];
        below = segments.slice(at + 3);
      }
    } else if (segments.length === 1) {
      field = segments[0]; // `password: ...` from the users endpoint
    }
    if (field === undefined || !target.fields.includes(field)) {
      general.push(generalProblemText(problem));
    } else if (below.length > 0 && target.nested?.includes(field)) {
      (within[field] ??= []).push({ path: below, text: problemText(message, below.filter((s) => !/^\d+$/.test(s)).at(-1)) });
    } else {
      (byField[field] ??= []).push(problemText(message, below.filter((s) => !/^\d+$/.test(s)).at(-1) ?? field));
    }
  }
  return { byField, within, general };
}

/** The problems without those of `field`: it was just edited, so what was said about it is old. */
export function withoutField(placed: PlacedProblems, field: string): PlacedProblems {
  if (!(field in placed.byField) && !(field in placed.within)) return placed;
  const { [field]: _f, ...byField } = placed.byField;
  const { [field]: _w, ...within } = placed.within;
  return { ...placed, byField, within };
}
