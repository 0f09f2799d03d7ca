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

/**
 * Web-identity federation must pin the audience exactly and constrain the subject; for GitHub
 * Actions the subject must pin the repository owner (`repo:my-org/...`): `repo:my-org*` also
 * admits `my-org-evil`, and the audience alone admits every repository on GitHub.
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
                const issuer = info.issuer.toLowerCase();
                const aud = `${issuer}:aud`;
                const sub = `${issuer}:sub`;
                const problems: string[] = [];
                const audOk = s.conditions.some(
                    (c) =>
                        isRequiringClause(c, aud) &&
                        c.values.length > 0 &&
                        c.values.every((v) => isExactValue(c, v)),
                );
                if (!audOk)
                    problems.push(
                        `${issuer}:aud is not pinned to an exact value with StringEquals`,
                    );
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
                if (problems.length) out.push({ statement: s, provider: info, problems });
            }
        }
        return out;
    });
}
