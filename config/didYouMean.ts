// "Did you mean": the known word closest to a misspelt one.

/** The known word closest to `key` (case-insensitive), if it is close enough to be a misspelling. */
export function closest(key: string, known: readonly string[]): string | undefined {
    const best = known.map((k) => ({ k, d: distance(key, k) })).sort((x, y) => x.d - y.d)[0];
    return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

/** The known word within `max` edits of `key` (case-insensitive), the closest first; undefined if none. */
export function closestWithin(
    key: string,
    known: readonly string[],
    max: number,
): string | undefined {
    const best = known.map((k) => ({ k, d: distance(key, k) })).sort((x, y) => x.d - y.d)[0];
    return best && best.d <= max ? best.k : undefined;
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const tmp = row[j];
            row[j] = Math.min(
                row[j] + 1,
                row[j - 1] + 1,
                prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1),
            );
            prev = tmp;
        }
    }
    return row[b.length];
}
