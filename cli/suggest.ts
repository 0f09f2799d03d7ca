// "Did you mean" for a mistyped option or command, as git and the Pulumi CLI (cobra) offer it: the
// known name nearest by edit distance, when it is near enough to be a typo rather than another word.

/** Levenshtein distance: the fewest insertions, deletions and substitutions turning `a` into `b`. */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++)
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        previous = current;
    }
    return previous[b.length];
}

/**
 * The candidate nearest to `given`, if it is at most 2 edits away and fewer than half its length
 * (cobra's default SuggestionsMinimumDistance is 2; the length bound keeps `-x` from suggesting
 * `-s`). Ties go to the first candidate, so callers list the common names first.
 */
export function nearest(given: string, candidates: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(given.toLowerCase(), c.toLowerCase());
        if (d < bestDistance) [best, bestDistance] = [c, d];
    }
    return best !== undefined && bestDistance <= 2 && bestDistance * 2 < best.length
        ? best
        : undefined;
}

/** ` (did you mean --stack?)`, or "" when nothing is near. */
export function didYouMean(given: string, candidates: readonly string[]): string {
    const hit = nearest(given, candidates);
    return hit === undefined ? "" : ` (did you mean ${hit}?)`;
}
