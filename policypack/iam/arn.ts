import { globMatch, hasWildcard } from "./wildcard";

/**
 * ARN handling. An ARN has six colon-separated parts; the sixth (resource) may itself contain
 * colons. ArnEquals/ArnLike and the Resource element compare each part separately and a wildcard
 * never crosses a colon between parts.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 */
export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

export const PARTITIONS = [
    "aws",
    "aws-us-gov",
    "aws-cn",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

export function parseArn(s: string): Arn | undefined {
    if (!s.startsWith("arn:")) return undefined;
    // Four colons after "arn:" end partition, service, region and account; the rest, colons and
    // all, is the resource. Scanned with indexOf: every principal, resource and ARN condition
    // value of every document comes through here.
    const a = s.indexOf(":", 4);
    const b = a < 0 ? -1 : s.indexOf(":", a + 1);
    const c = b < 0 ? -1 : s.indexOf(":", b + 1);
    const d = c < 0 ? -1 : s.indexOf(":", c + 1);
    if (d < 0) return undefined;
    return {
        partition: s.slice(4, a),
        service: s.slice(a + 1, b),
        region: s.slice(b + 1, c),
        account: s.slice(c + 1, d),
        resource: s.slice(d + 1),
    };
}

export function formatArn(a: Arn): string {
    return `arn:${a.partition}:${a.service}:${a.region}:${a.account}:${a.resource}`;
}

/** ArnLike semantics (ArnEquals behaves the same way in IAM: both accept wildcards per part). */
export function arnLike(pattern: string, value: string): boolean {
    if (pattern === "*") return true;
    // Without a wildcard every part must be equal, and parts are joined by the same colons: the
    // strings are equal. (The access graph asks this of policies naming hundreds of exact ARNs.)
    if (!hasWildcard(pattern)) return pattern === value;
    const p = parseArn(pattern);
    if (!p) return globMatch(pattern, value, false);
    const v = parseArn(value);
    if (!v) return false;
    return (
        globMatch(p.partition, v.partition) &&
        globMatch(p.service, v.service) &&
        globMatch(p.region, v.region) &&
        globMatch(p.account, v.account) &&
        globMatch(p.resource, v.resource)
    );
}

export function isAccountId(s: string): boolean {
    return /^\d{12}$/.test(s);
}

/** True if the account part of an ARN pattern is a wildcard (matches more than one account). */
export function accountIsWildcard(account: string): boolean {
    return hasWildcard(account);
}
