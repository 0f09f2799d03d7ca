/**
 * Principals as IAM reads them.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 *
 * - `"*"` and `{"AWS": "*"}` mean everyone, anonymous callers included.
 * - A 12-digit id or `arn:aws:iam::ID:root` means the account: any principal of that account whose
 *   own identity policies allow it (IAM users included).
 * - A role ARN also matches that role's sessions.
 * - IAM rejects wildcards inside principal ARNs; we still read `arn:aws:iam::*:root` (a wildcard in
 *   the account position) as "every account", because that is what its author asked for.
 */
import { arnLike, parseArn } from "./arn";
import { RequestPrincipal } from "./context";
import { globMatch, hasWildcard } from "./wildcard";

/** The normalised Principal or NotPrincipal element. */
export interface PrincipalElement {
    /** The bare string form `"*"`. */
    readonly star: boolean;
    readonly aws: readonly string[];
    readonly service: readonly string[];
    readonly federated: readonly string[];
    readonly canonicalUser: readonly string[];
}

export type AwsPrincipalKind =
    | "everyone"
    | "account"
    | "user"
    | "role"
    | "assumed-role"
    | "federated-user"
    | "unique-id-user"
    | "unique-id-role"
    | "unknown";

export interface AwsPrincipalInfo {
    readonly raw: string;
    readonly kind: AwsPrincipalKind;
    readonly partition?: string;
    /** Account id or account pattern. */
    readonly account?: string;
    /** The account position holds a wildcard: the entry reaches every (matching) account. */
    readonly accountWildcard: boolean;
    /** Path + name after `user/`, `role/`, ... */
    readonly resourceName?: string;
    /** An IAM Identity Center (SSO) permission-set role. */
    readonly sso: boolean;
}

const SSO_ROLE_RE = /(^|\/)AWSReservedSSO_[^/]*$/;

const MAX_CLASSIFIED = 4096;
const classified = new Map<string, AwsPrincipalInfo>();

/**
 * What an AWS principal entry names. Memoised: every evaluation of a statement against a request
 * classifies its entries again (principalElementMatches), and the searches evaluate each statement
 * against many requests; the answer depends on the string alone.
 */
export function classifyAwsPrincipal(raw: string): AwsPrincipalInfo {
    let info = classified.get(raw);
    if (info === undefined) {
        if (classified.size >= MAX_CLASSIFIED) classified.clear();
        info = Object.freeze(classify(raw));
        classified.set(raw, info);
    }
    return info;
}

function classify(raw: string): AwsPrincipalInfo {
    const base = { raw, accountWildcard: false, sso: false };
    if (raw === "*") return { ...base, kind: "everyone", accountWildcard: true };
    if (/^\d{12}$/.test(raw)) return { ...base, kind: "account", account: raw, partition: "aws" };
    if (/^AIDA[A-Z0-9]+$/.test(raw)) return { ...base, kind: "unique-id-user" };
    if (/^AROA[A-Z0-9]+$/.test(raw)) return { ...base, kind: "unique-id-role" };
    const a = parseArn(raw);
    if (!a) {
        return {
            ...base,
            kind: hasWildcard(raw) ? "everyone" : "unknown",
            accountWildcard: hasWildcard(raw),
        };
    }
    const accountWildcard = hasWildcard(a.account) || a.account === "";
    const common = { ...base, partition: a.partition, account: a.account, accountWildcard };
    if (a.service === "iam") {
        if (a.resource === "root") return { ...common, kind: "account" };
        const [type, ...rest] = a.resource.split("/");
        const resourceName = rest.join("/");
        if (type === "user") return { ...common, kind: "user", resourceName };
        if (type === "role")
            return { ...common, kind: "role", resourceName, sso: SSO_ROLE_RE.test(a.resource) };
        // `arn:aws:iam::123456789012:*` and the like: every principal of the account(s).
        if (hasWildcard(type)) return { ...common, kind: "account" };
    }
    if (a.service === "sts") {
        const [type, ...rest] = a.resource.split("/");
        const resourceName = rest.join("/");
        if (type === "assumed-role") {
            return {
                ...common,
                kind: "assumed-role",
                resourceName,
                sso: /^AWSReservedSSO_/.test(rest[0] ?? ""),
            };
        }
        if (type === "federated-user") return { ...common, kind: "federated-user", resourceName };
    }
    if (hasWildcard(a.service) || hasWildcard(a.resource)) return { ...common, kind: "account" };
    return { ...common, kind: "unknown" };
}

/** An entry that reaches principals of any account (or anyone at all). */
export function awsEntryIsEveryone(info: AwsPrincipalInfo): boolean {
    return info.kind === "everyone" || info.accountWildcard;
}

export type FederatedKind = "oidc" | "saml" | "cognito" | "web-idp" | "unknown";

export interface FederatedInfo {
    readonly raw: string;
    readonly kind: FederatedKind;
    /** OIDC issuer host and path as used in condition keys, e.g. `token.actions.githubusercontent.com`. */
    readonly issuer?: string;
    readonly account?: string;
}

const WEB_IDPS = new Set(["accounts.google.com", "graph.facebook.com", "www.amazon.com"]);

export function classifyFederatedPrincipal(raw: string): FederatedInfo {
    const a = parseArn(raw);
    if (a && a.service === "iam") {
        if (a.resource.startsWith("oidc-provider/")) {
            return {
                raw,
                kind: "oidc",
                issuer: a.resource.slice("oidc-provider/".length),
                account: a.account,
            };
        }
        if (a.resource.startsWith("saml-provider/"))
            return { raw, kind: "saml", account: a.account };
    }
    const lower = raw.toLowerCase();
    if (lower === "cognito-identity.amazonaws.com") return { raw, kind: "cognito", issuer: lower };
    if (WEB_IDPS.has(lower)) return { raw, kind: "web-idp", issuer: lower };
    // A bare issuer host (IAM wants the provider ARN, but the intent is unambiguous).
    if (!a && /^[a-z0-9.-]+\.[a-z]{2,}(\/[^\s]*)?$/.test(lower))
        return { raw, kind: "oidc", issuer: lower.replace(/^https:\/\//, "") };
    return { raw, kind: "unknown" };
}

function awsEntryMatches(raw: string, p: RequestPrincipal): boolean {
    const info = classifyAwsPrincipal(raw);
    if (info.kind === "everyone") return true;
    if (p.type !== "aws") return false;
    switch (info.kind) {
        case "account":
            if (/^\d{12}$/.test(raw)) return p.account === raw;
            if (info.partition !== undefined && !globMatch(info.partition, p.partition))
                return false;
            return globMatch(info.account ?? "", p.account);
        case "user":
        case "federated-user":
        case "assumed-role":
            return arnLike(raw, p.arn);
        case "role":
            if (arnLike(raw, p.arn)) return true;
            return (
                p.kind === "assumed-role" &&
                p.roleArn !== undefined &&
                roleArnMatches(raw, p.roleArn)
            );
        case "unique-id-user":
        case "unique-id-role":
            return p.uniqueId === raw;
        default:
            return hasWildcard(raw) ? arnLike(raw, p.arn) : raw === p.arn;
    }
}

/** A role ARN entry matches a session's role; the session ARN carries no path, so compare names too. */
function roleArnMatches(entry: string, roleArn: string): boolean {
    if (arnLike(entry, roleArn)) return true;
    const e = parseArn(entry);
    const r = parseArn(roleArn);
    if (!e || !r) return false;
    const entryName = e.resource.split("/").pop() ?? "";
    const roleName = r.resource.split("/").pop() ?? "";
    return e.account === r.account && globMatch(entryName, roleName);
}

/** Does a Principal element name this request principal? */
export function principalElementMatches(el: PrincipalElement, p: RequestPrincipal): boolean {
    if (el.star) return true;
    for (const a of el.aws) if (awsEntryMatches(a, p)) return true;
    if (p.type === "service") {
        for (const s of el.service) if (globMatch(s, p.service, true)) return true;
    }
    if (p.type === "federated") {
        for (const f of el.federated) if (f.toLowerCase() === p.provider.toLowerCase()) return true;
    }
    if (p.type === "canonical-user") {
        for (const c of el.canonicalUser) if (c === p.id) return true;
    }
    return false;
}

/** Human-readable form of an element, for messages. */
export function describePrincipalElement(el: PrincipalElement): string {
    if (el.star) return `"*"`;
    const parts: string[] = [];
    if (el.aws.length) parts.push(`AWS: ${el.aws.join(", ")}`);
    if (el.service.length) parts.push(`Service: ${el.service.join(", ")}`);
    if (el.federated.length) parts.push(`Federated: ${el.federated.join(", ")}`);
    if (el.canonicalUser.length) parts.push(`CanonicalUser: ${el.canonicalUser.join(", ")}`);
    return `{${parts.join("; ")}}`;
}
