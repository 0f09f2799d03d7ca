/**
 * OIDC federation: whether web-identity trust pins the audience and constrains the subject.
 */
import { ConditionClause } from "./conditions";
import { DocumentCache, PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import { classifyFederatedPrincipal, FederatedInfo } from "./principals";
import { ASSUME_ROLE_WEB_IDENTITY } from "./sts";
import { hasWildcard } from "./wildcard";

const weakOidcCache = new DocumentCache<OidcFinding[]>();

const GITHUB_ISSUER = "token.actions.githubusercontent.com";

/** A clause that requires the key to be present and to match positively. */
function isRequiringClause(c: ConditionClause, keyLower: string): boolean {
    return (
        c.keyLower === keyLower &&
        (c.family === "String" || c.family === "Arn") &&
        !c.negated &&
        !c.ifExists &&
        c.qualifier !== "ForAllValues"
    );
}

function isExactValue(c: ConditionClause, v: string): boolean {
    if (v.includes("${")) return false;
    return c.mode === "like" ? !hasWildcard(v) : true;
}

/** `repo:OWNER/...` with OWNER free of wildcards, or a fully exact value. */
function pinsGithubOwner(c: ConditionClause, v: string): boolean {
    if (isExactValue(c, v)) return true;
    return /^repo:[^/*?$]+\//.test(v);
}

/** A subject pattern with a literal prefix (not "*" or "?..."): it admits a known family only. */
function constrainsSubject(c: ConditionClause, v: string): boolean {
    if (isExactValue(c, v)) return true;
    return /^[^*?$]+/.test(v) && !/^[^*?]*\$\{/.test(v);
}

export interface OidcFinding {
    readonly statement: Statement;
    readonly provider: FederatedInfo;
    readonly problems: readonly string[];
    /** The condition that fixes the statement, for this provider (see `federationFix`). */
    readonly fix: string;
}

/** github.com's issuer, or a GitHub Enterprise Server one (`<host>/_services/token`). */
export function isGithubIssuer(issuer: string | undefined): boolean {
    if (issuer === undefined) return false;
    const i = issuer.toLowerCase().replace(/\/$/, "");
    return (
        i === GITHUB_ISSUER ||
        i.endsWith(".githubusercontent.com") ||
        i.endsWith("/_services/token")
    );
}

/** An EKS cluster's OIDC issuer: `oidc.eks.<region>.amazonaws.com/id/<id>`. */
function isEksIssuer(issuer: string): boolean {
    return /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/id\//i.test(issuer);
}

/**
 * What pins a web-identity provider's tokens to one application, per provider: the condition key
 * that carries the audience (the application the token was issued for) and the value to pin, and
 * the key that names the user or workload. IAM exposes each provider's claims under its own keys
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif):
 * - Cognito identity pools: `cognito-identity.amazonaws.com:aud` is the identity pool id, and
 *   `cognito-identity.amazonaws.com:amr` says "authenticated" or "unauthenticated" (guest)
 *   identities (https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html);
 * - Google: `accounts.google.com:aud` is the OAuth client id (the token's azp when present; for a
 *   service account's ID token, its unique id) and `accounts.google.com:sub` the user;
 *   `accounts.google.com:oaud` is the audience the caller asked for, which any Google identity can
 *   choose, so it pins nothing on its own;
 * - Facebook and Login with Amazon: the app id is `graph.facebook.com:app_id`,
 *   `www.amazon.com:app_id` (they have no `:aud` key);
 * - GitHub Actions: `aud` is `sts.amazonaws.com` (the official action's default) and `sub`
 *   `repo:<owner>/<repo>:...`
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub);
 * - EKS (IRSA): `aud` is `sts.amazonaws.com`, `sub` `system:serviceaccount:<namespace>:<name>`
 *   (https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html);
 * - any other OIDC provider: `<issuer>:aud` is the client id registered with the IAM OIDC provider
 *   and `<issuer>:sub` the subject the provider issues.
 */
interface ProviderProfile {
    /** The key IAM checks for the audience, with the issuer as the trust policy spells it. */
    readonly audienceKey: string;
    /** What the fix pins the audience to: a literal, or a placeholder in angle brackets. */
    readonly audience: string;
    /** The subject key and the value the fix pins it to, when the provider has one worth pinning. */
    readonly subjectKey?: string;
    readonly subject?: string;
    /** Further conditions of the fix, as JSON members (Cognito's amr). */
    readonly extra?: string;
}

function profileOf(info: FederatedInfo): ProviderProfile | undefined {
    // Keys are compared case-insensitively; messages keep the issuer as written (EKS ids are
    // upper-case hex).
    const issuer = info.issuer;
    if (issuer === undefined) return undefined;
    if (info.kind === "cognito")
        return {
            audienceKey: "cognito-identity.amazonaws.com:aud",
            audience: "<identity pool id, e.g. us-east-1:12345678-abcd-...>",
            extra: '"ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}',
        };
    if (issuer.toLowerCase() === "accounts.google.com")
        return {
            audienceKey: "accounts.google.com:aud",
            audience: "<your Google OAuth client id, or the service account's unique id>",
            subjectKey: "accounts.google.com:sub",
            subject: "<the Google user or service account id>",
        };
    if (issuer.toLowerCase() === "graph.facebook.com")
        return { audienceKey: "graph.facebook.com:app_id", audience: "<your Facebook app id>" };
    if (issuer.toLowerCase() === "www.amazon.com")
        return {
            audienceKey: "www.amazon.com:app_id",
            audience: "<your Login with Amazon app id>",
        };
    if (isGithubIssuer(issuer))
        return {
            audienceKey: `${issuer}:aud`,
            audience: "sts.amazonaws.com",
            subjectKey: `${issuer}:sub`,
            subject: "repo:<owner>/<repo>:ref:refs/heads/<branch>",
        };
    if (isEksIssuer(issuer))
        return {
            audienceKey: `${issuer}:aud`,
            audience: "sts.amazonaws.com",
            subjectKey: `${issuer}:sub`,
            subject: "system:serviceaccount:<namespace>:<service-account>",
        };
    return {
        audienceKey: `${issuer}:aud`,
        audience: "<the client id registered with the IAM OIDC provider>",
        subjectKey: `${issuer}:sub`,
        subject: "<the subject your provider issues to this workload>",
    };
}

/**
 * The condition that pins a federated principal's tokens or assertions, as a fix text: the keys
 * and values of `profileOf`, and for SAML the audience AWS sign-in expects,
 * `"SAML:aud": "https://signin.aws.amazon.com/saml"`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_saml.html).
 */
export function federationFix(info: FederatedInfo): string {
    if (info.kind === "saml")
        return `add "StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}`;
    const p = profileOf(info);
    if (!p)
        return "name the provider by its IAM identity provider ARN and pin its audience and subject";
    const equals = [`"${p.audienceKey}": "${p.audience}"`];
    if (p.subjectKey) equals.push(`"${p.subjectKey}": "${p.subject}"`);
    return `add "StringEquals": {${equals.join(", ")}}${p.extra ? ` and ${p.extra}` : ""}`;
}

/**
 * Web-identity federation must pin the audience exactly (under the provider's own key, see
 * `profileOf`) and constrain the subject; for GitHub Actions the subject must pin the repository
 * owner (`repo:my-org/...`): `repo:my-org*` also admits `my-org-evil`, and the audience alone
 * admits every repository on GitHub.
 * https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services
 */
export function findWeakOidcTrust(doc: PolicyDocument): OidcFinding[] {
    return weakOidcCache.get(doc, () => {
        const out: OidcFinding[] = [];
        for (const s of doc.statements) {
            if (s.effect !== "Allow" || !statementMatchesAction(s, ASSUME_ROLE_WEB_IDENTITY))
                continue;
            for (const f of s.principal?.federated ?? []) {
                const info = classifyFederatedPrincipal(f);
                if (info.kind === "saml" || info.kind === "unknown" || !info.issuer) continue;
                const profile = profileOf(info)!;
                const issuer = info.issuer;
                const aud = profile.audienceKey.toLowerCase();
                const sub = `${issuer}:sub`.toLowerCase();
                const problems: string[] = [];
                const audOk = s.conditions.some(
                    (c) =>
                        isRequiringClause(c, aud) &&
                        c.values.length > 0 &&
                        c.values.every((v) => isExactValue(c, v)),
                );
                if (!audOk) {
                    const oaudOnly =
                        issuer.toLowerCase() === "accounts.google.com" &&
                        s.conditions.some((c) => c.keyLower === "accounts.google.com:oaud");
                    problems.push(
                        `${profile.audienceKey} is not pinned to an exact value with StringEquals` +
                            (oaudOnly
                                ? " (accounts.google.com:oaud is the audience the caller asked for, which any Google identity can choose)"
                                : ""),
                    );
                }
                if (isGithubIssuer(issuer)) {
                    const subOk = s.conditions.some(
                        (c) =>
                            isRequiringClause(c, sub) &&
                            c.values.length > 0 &&
                            c.values.every((v) => pinsGithubOwner(c, v)),
                    );
                    if (!subOk) {
                        const subs = s.conditions
                            .filter((c) => c.keyLower === sub)
                            .flatMap((c) => c.values.map((v) => `${c.operator} "${v}"`));
                        problems.push(
                            subs.length
                                ? `${issuer}:sub does not pin the repository owner (${subs.join(", ")}); use "repo:<owner>/<repo>:..."`
                                : `${issuer}:sub is not constrained, so any GitHub repository can assume the role`,
                        );
                    }
                } else if (info.kind === "oidc") {
                    const subOk = s.conditions.some(
                        (c) =>
                            isRequiringClause(c, sub) &&
                            c.values.length > 0 &&
                            c.values.every((v) => constrainsSubject(c, v)),
                    );
                    if (!subOk) problems.push(`${issuer}:sub is not constrained to known subjects`);
                }
                if (problems.length)
                    out.push({ statement: s, provider: info, problems, fix: federationFix(info) });
            }
        }
        return out;
    });
}
