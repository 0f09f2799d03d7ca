/**
 * Helpers for stack policies: finding resources by type and matching the names resources use to
 * refer to each other (a bucket by name or id, a user by name).
 */
import { PolicyResource } from "@pulumi/policy";

export function ofType(resources: readonly PolicyResource[], ...types: string[]): PolicyResource[] {
    return resources.filter((r) => types.includes(r.type));
}

/** The names other resources may use for this one: the explicit physical name prop(s) and the Pulumi name. */
export function namesOf(r: PolicyResource, ...props: string[]): string[] {
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
    return names.some((n) => norm(n) === r || norm(n).endsWith(`:${r}`) || r.endsWith(`:${norm(n)}`) || r.endsWith(`/${norm(n)}`));
}
