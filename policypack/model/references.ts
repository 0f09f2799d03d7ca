/**
 * Finding resources by type and matching the names resources use to refer to each other (a bucket
 * by name or id, a user by name). Generic over the resource shape, so they serve the neutral
 * ModelResource (./resources) and the engine's PolicyResource alike.
 */

/** What the lookups read of a resource. */
export interface Referable {
    readonly type: string;
    readonly name: string;
    readonly props: Readonly<Record<string, unknown>>;
}

export function ofType<R extends Referable>(resources: readonly R[], ...types: string[]): R[] {
    return resources.filter((r) => types.includes(r.type));
}

/** The names other resources may use for this one: the explicit physical name prop(s) and the Pulumi name. */
export function namesOf(r: Referable, ...props: string[]): string[] {
    const out = [r.name];
    for (const p of props) {
        const v = r.props[p];
        if (typeof v === "string" && v !== "") out.push(v);
    }
    for (const p of ["id", "arn"]) {
        const v = r.props[p];
        if (typeof v === "string" && v !== "") out.push(v);
    }
    return out;
}

export function refersTo(ref: unknown, names: readonly string[], caseInsensitive = false): boolean {
    if (typeof ref !== "string" || ref === "") return false;
    const norm = (s: string): string => (caseInsensitive ? s.toLowerCase() : s);
    const r = norm(ref);
    return names.some(
        (n) =>
            norm(n) === r ||
            norm(n).endsWith(`:${r}`) ||
            r.endsWith(`:${norm(n)}`) ||
            r.endsWith(`/${norm(n)}`),
    );
}

/** The last segment of a name, id or ARN (`arn:aws:s3:::logs` -> `logs`), lower-cased when asked. */
export function refKey(ref: string, caseInsensitive = false): string {
    const k = ref.split(/[:/]/).pop() ?? ref;
    return caseInsensitive ? k.toLowerCase() : k;
}

/**
 * Indexes resources by the key of a reference prop (e.g. a bucket policy's `bucket`), so stack
 * policies match resources in linear time. Candidates still go through refersTo.
 */
export function indexBy<R extends Referable>(
    resources: readonly R[],
    prop: string,
    caseInsensitive = false,
): Map<string, R[]> {
    const index = new Map<string, R[]>();
    for (const r of resources) {
        const v = r.props[prop];
        if (typeof v !== "string" || v === "") continue;
        const k = refKey(v, caseInsensitive);
        const list = index.get(k);
        if (list) list.push(r);
        else index.set(k, [r]);
    }
    return index;
}

/** Resources of an index whose reference prop refers to one of `names`. */
export function lookup<R extends Referable>(
    index: Map<string, R[]>,
    prop: string,
    names: readonly string[],
    caseInsensitive = false,
): R[] {
    const seen = new Set<R>();
    for (const n of names) {
        for (const r of index.get(refKey(n, caseInsensitive)) ?? []) {
            if (refersTo(r.props[prop], names, caseInsensitive)) seen.add(r);
        }
    }
    return [...seen];
}
