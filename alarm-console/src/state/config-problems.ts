// A rejected configuration change comes back as `{ code: 'TRYGG_SRV_CONFIG_REJECTED', problems }`
// with each problem as `path: message` (`sites.0.rooms.3.zoneId: unknown zone "x"`). This puts
// each problem next to the form field it is about; the rest go to the top of the form.

export interface PlacedProblems {
  byField: Record<string, string[]>;
  general: string[];
}

export interface ProblemTarget {
  /** Last path segment before the item index: `rooms`, `users`, `sites` ... */
  collection: string;
  /** Index of the edited item in its list, or null to accept any index. */
  index: number | null;
  /** The fields the form shows; a problem about any other field is general. */
  fields: readonly string[];
}

export function placeProblems(problems: readonly string[], target: ProblemTarget): PlacedProblems {
  const byField: Record<string, string[]> = {};
  const general: string[] = [];
  for (const problem of problems) {
    const colon = problem.indexOf(': ');
    const path = colon > 0 ? problem.slice(0, colon) : '';
    const message = colon > 0 ? problem.slice(colon + 2) : problem;
    const segments = path.split('.');
    let field: string | undefined;
    const at = segments.lastIndexOf(target.collection);
    if (at >= 0 && /^\d+$/.test(segments[at + 1] ?? '')) {
      const index = Number(segments[at + 1]);
      if (target.index === null || index === target.index) field = segments[at + 2];
    } else if (segments.length === 1) {
      field = segments[0]; // `password: ...` from the users endpoint
    }
    if (field !== undefined && target.fields.includes(field)) (byField[field] ??= []).push(message);
    else general.push(problem);
  }
  return { byField, general };
}
