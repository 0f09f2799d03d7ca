/**
 * Glob matching as IAM does it: `*` matches any run of characters (including none), `?` exactly
 * one character. Used for actions (case-insensitive), resources and ARN segments (case-sensitive)
 * and the `...Like` condition operators.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */

const MAX_CACHE = 4096;
const sensitiveCache = new Map<string, RegExp>();
const insensitiveCache = new Map<string, RegExp>();

export function hasWildcard(s: string): boolean {
    return s.includes("*") || s.includes("?");
}

function escapeRegExp(s: string): string {
    return s.replace(/[.+^${}()|[\]\\/-]/g, "\\$&");
}

/** Regular-expression source for a glob, without anchors. */
export function globSource(pattern: string): string {
    let out = "";
    for (const ch of pattern) {
        if (ch === "*") out += "[\\s\\S]*";
        else if (ch === "?") out += "[\\s\\S]";
        else out += escapeRegExp(ch);
    }
    return out;
}

export function globToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
    const cache = caseInsensitive ? insensitiveCache : sensitiveCache;
    let re = cache.get(pattern);
    if (!re) {
        if (cache.size >= MAX_CACHE) cache.clear();
        re = new RegExp(`^${globSource(pattern)}$`, caseInsensitive ? "i" : "");
        cache.set(pattern, re);
    }
    return re;
}

export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    if (pattern === "*") return true;
    if (!hasWildcard(pattern)) {
        // Equal strings first: no lower-casing (two new strings) for the common exact match.
        if (pattern === value) return true;
        return caseInsensitive && pattern.toLowerCase() === value.toLowerCase();
    }
    return globToRegExp(pattern, caseInsensitive).test(value);
}

/**
 * Concrete strings a glob matches, used to probe conditions: every wildcard replaced by each of a
 * few fillers. `filler` values are chosen to be unlike anything a policy author would write.
 */
export function instantiateGlob(
    pattern: string,
    fillers: readonly string[] = ["", "zq9"],
): string[] {
    if (!hasWildcard(pattern)) return [pattern];
    const out = new Set<string>();
    for (const f of fillers) {
        out.add(pattern.replace(/\*/g, f).replace(/\?/g, f.length > 0 ? f[0] : "z"));
    }
    return [...out];
}
