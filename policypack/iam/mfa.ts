/**
 * Trust policies and MFA: who may assume a role without MFA, answered with the witness search
 * (search.ts) so it agrees with the evaluator by construction.
 */
import { assumedRoleArn, iamUserArn, parseArn, PROBE_PARTITION } from "./arn";
import { awsPrincipalFromArn, ContextValue, RequestPrincipal } from "./context";
import { allConditions, DocumentCache, PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import { chosenNames, mentionedAccounts, outsiderAccounts, principalArnProbes } from "./outsiders";
import { awsEntryIsEveryone, classifyAwsPrincipal } from "./principals";
import {
    Candidate,
    candidatesFor,
    exactValuesFor,
    findAllowWitness,
    Scenario,
    Witness,
} from "./search";
import { ASSUME_ROLE, EXTERNAL_ID, MFA_AGE, MFA_PRESENT } from "./sts";
import { globMatch, hasWildcard, instantiateGlob } from "./wildcard";

const withoutMfaCache = new DocumentCache<MfaFinding[]>();

export interface TrustOptions {
    /** Treat IAM Identity Center (AWSReservedSSO_*) role sessions as humans. */
    readonly ssoRolesAreHuman?: boolean;
    /** An exact sts:ExternalId is accepted instead of MFA (programmatic and third-party access). */
    readonly externalIdSatisfies?: boolean;
}

export type HumanEntryKind = "everyone" | "account" | "user" | "sso-role";

export interface HumanEntry {
    readonly raw: string;
    readonly kind: HumanEntryKind;
}

/** Principal entries of a statement that stand for humans: account roots, IAM users, everyone. */
export function humanEntries(s: Statement, opts: TrustOptions = {}): HumanEntry[] {
    if (s.notPrincipal) return [{ raw: "NotPrincipal (everyone not listed)", kind: "everyone" }];
    const el = s.principal;
    if (!el) return [];
    if (el.star) return [{ raw: "*", kind: "everyone" }];
    const out: HumanEntry[] = [];
    for (const a of el.aws) {
        const info = classifyAwsPrincipal(a);
        if (awsEntryIsEveryone(info)) out.push({ raw: a, kind: "everyone" });
        else if (info.kind === "account") out.push({ raw: a, kind: "account" });
        else if (info.kind === "user" || info.kind === "unique-id-user")
            out.push({ raw: a, kind: "user" });
        else if (
            (info.kind === "role" || info.kind === "assumed-role") &&
            info.sso &&
            opts.ssoRolesAreHuman
        ) {
            out.push({ raw: a, kind: "sso-role" });
        }
    }
    return out;
}

/** IAM users the document names in any Principal or NotPrincipal element. */
function namedUsers(doc: PolicyDocument): RequestPrincipal[] {
    return doc.statements
        .flatMap((s) => [...(s.principal?.aws ?? []), ...(s.notPrincipal?.aws ?? [])])
        .filter((a) => classifyAwsPrincipal(a).kind === "user" && !hasWildcard(a))
        .map((a) => awsPrincipalFromArn(a))
        .filter((p): p is RequestPrincipal => p !== undefined);
}

/**
 * IAM users the document's aws:PrincipalArn conditions name (in any operator, wildcards filled), in
 * `accounts`: a trust that names an account narrows it to the users under a path this way
 * (components/orgGrants.ts), so the probes must include users there, not only users at "/"; and a
 * pattern whose account is open admits the users any account creates at that path.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
function principalArnUsers(
    doc: PolicyDocument,
    accounts: readonly string[],
    partition: string,
): RequestPrincipal[] {
    return principalArnProbes(doc, accounts, partition).filter(
        (p) => p.type === "aws" && p.kind === "user",
    );
}

function probePrincipals(doc: PolicyDocument, e: HumanEntry): RequestPrincipal[] {
    const names = chosenNames(doc).map((n) => (n === "outsider" ? "mfa-probe" : n));
    if (e.kind === "everyone") {
        // Everyone: users of accounts the document does not name, and users of those it names
        // (conditions may admit only the latter), including the users it names explicitly.
        const accounts = [...outsiderAccounts(doc), ...mentionedAccounts(doc)];
        return [
            ...accounts.flatMap((o) =>
                names.map((n) => awsPrincipalFromArn(iamUserArn(PROBE_PARTITION, o, n))!),
            ),
            ...namedUsers(doc),
            ...principalArnUsers(doc, accounts, PROBE_PARTITION),
        ];
    }
    const info = classifyAwsPrincipal(e.raw);
    const partition = info.partition ?? PROBE_PARTITION;
    if (e.kind === "account") {
        const named = [
            ...namedUsers(doc),
            ...principalArnUsers(doc, info.account ? [info.account] : [], partition),
        ].filter((p) => p.type === "aws" && globMatch(info.account ?? "", p.account));
        return [
            ...names.map((n) => awsPrincipalFromArn(iamUserArn(partition, info.account ?? "", n))!),
            ...named,
        ];
    }
    if (e.kind === "sso-role") {
        const a = parseArn(e.raw)!;
        const segs = a.resource.split("/");
        // role/<path>/<name> or assumed-role/<name>/<session>
        const roleName =
            (segs[0] === "assumed-role" ? segs[1] : segs[segs.length - 1]) ?? "AWSReservedSSO_x";
        return instantiateGlob(roleName, ["zq9"]).map((r) =>
            awsPrincipalFromArn(assumedRoleArn(partition, a.account, r, "mfa-probe"))!,
        );
    }
    if (info.kind === "unique-id-user") {
        return [
            {
                ...awsPrincipalFromArn("arn:aws:iam::000000000000:user/unknown")!,
                uniqueId: e.raw,
            } as RequestPrincipal,
        ];
    }
    return instantiateGlob(e.raw, ["zq9"])
        .map((arn) => awsPrincipalFromArn(arn))
        .filter((p): p is RequestPrincipal => p !== undefined);
}

function noMfaScenario(
    doc: PolicyDocument,
    principals: RequestPrincipal[],
    opts: TrustOptions,
): Scenario {
    const clauses = allConditions(doc);
    const domains = new Map<string, Candidate[]>([
        [MFA_PRESENT, [undefined, "false"]],
        [MFA_AGE, [undefined]],
    ]);
    if (opts.externalIdSatisfies) {
        const exact = exactValuesFor(EXTERNAL_ID, clauses);
        domains.set(
            EXTERNAL_ID,
            candidatesFor(EXTERNAL_ID, clauses).filter(
                (v) => v === undefined || (typeof v === "string" && !exact.has(v)),
            ),
        );
    }
    return { principals, action: ASSUME_ROLE, domains };
}

function mfaHints(s: Statement): string[] {
    const hints: string[] = [];
    const mfa = s.conditions.filter((c) => c.keyLower === MFA_PRESENT || c.keyLower === MFA_AGE);
    if (mfa.length === 0) hints.push("it has no MFA condition");
    for (const c of mfa) {
        const where = `${c.operator} ${c.key}`;
        if (c.family === "Null")
            hints.push(
                `${where} only tests that the key exists, and sessions without MFA carry it as "false"`,
            );
        else if (c.qualifier === "ForAllValues")
            hints.push(`${where} is true when the key is absent`);
        else if (c.ifExists)
            hints.push(
                `${where} passes when the key is absent, as it is for long-term access keys`,
            );
        else if (c.negated) hints.push(`${where} is negated`);
        else if (
            c.keyLower === MFA_PRESENT &&
            c.values.some((v) => v.trim().toLowerCase() === "false")
        ) {
            hints.push(`${where} has the inverted value "false"`);
        }
    }
    return hints;
}

export interface MfaFinding {
    readonly statement: Statement;
    readonly entry: HumanEntry;
    readonly witness: Witness;
    readonly hints: readonly string[];
}

/** Describes the MFA state of a witness request. */
export function describeMfaState(w: Witness): string {
    if (w.undecided) return "no MFA (the conditions are too large to prove MFA is required)";
    const v: ContextValue | undefined = w.context[MFA_PRESENT];
    return v === undefined
        ? "aws:MultiFactorAuthPresent absent (long-term access keys)"
        : `aws:MultiFactorAuthPresent = ${JSON.stringify(v)}`;
}

/**
 * Allow statements of a trust policy that let a human (account root, IAM user, everyone, and SSO
 * roles if so configured) assume the role without MFA. With `externalIdSatisfies`, a statement
 * that requires an exact sts:ExternalId is accepted too. Deny statements of the same document are
 * honoured (e.g. a Deny on BoolIfExists aws:MultiFactorAuthPresent "false").
 */
export function findAssumeWithoutMfa(doc: PolicyDocument, opts: TrustOptions = {}): MfaFinding[] {
    return withoutMfaCache.get(
        doc,
        () => {
            const out: MfaFinding[] = [];
            for (const s of doc.statements) {
                if (s.effect !== "Allow" || !statementMatchesAction(s, ASSUME_ROLE)) continue;
                for (const e of humanEntries(s, opts)) {
                    const principals = probePrincipals(doc, e);
                    const w = findAllowWitness(doc, noMfaScenario(doc, principals, opts), s);
                    if (w) {
                        out.push({ statement: s, entry: e, witness: w, hints: mfaHints(s) });
                        break;
                    }
                }
            }
            return out;
        },
        `${!!opts.ssoRolesAreHuman}:${!!opts.externalIdSatisfies}`,
    );
}

/** Does the trust policy let a human assume the role at all (conditions aside)? */
export function isHumanAssumable(doc: PolicyDocument, opts: TrustOptions = {}): boolean {
    return doc.statements.some(
        (s) =>
            s.effect === "Allow" &&
            statementMatchesAction(s, ASSUME_ROLE) &&
            humanEntries(s, opts).length > 0,
    );
}

/**
 * For break-glass roles: Allow statements granting sts:AssumeRole (to any principal) that can be
 * used without MFA.
 */
export function findAssumeWithoutMfaAnyPrincipal(
    doc: PolicyDocument,
): Array<{ statement: Statement; witness: Witness }> {
    const out: Array<{ statement: Statement; witness: Witness }> = [];
    for (const s of doc.statements) {
        if (s.effect !== "Allow" || !statementMatchesAction(s, ASSUME_ROLE)) continue;
        const principals: RequestPrincipal[] = [];
        for (const e of humanEntries(s, { ssoRolesAreHuman: true }))
            principals.push(...probePrincipals(doc, { raw: e.raw, kind: e.kind }));
        for (const a of s.principal?.aws ?? []) {
            const info = classifyAwsPrincipal(a);
            if (info.kind !== "role" && info.kind !== "assumed-role") continue;
            for (const arn of instantiateGlob(a, ["zq9"])) {
                const p = awsPrincipalFromArn(arn);
                if (!p || p.type !== "aws") continue;
                if (p.kind !== "role") {
                    principals.push(p);
                    continue;
                }
                const session = awsPrincipalFromArn(
                    assumedRoleArn(p.partition, p.account, p.name, "probe"),
                );
                if (session && session.type === "aws")
                    principals.push({ ...session, roleArn: arn });
            }
        }
        for (const svc of s.principal?.service ?? [])
            principals.push({ type: "service", service: svc });
        for (const f of s.principal?.federated ?? [])
            principals.push({ type: "federated", provider: f });
        const w = findAllowWitness(doc, noMfaScenario(doc, principals, {}), s);
        if (w) out.push({ statement: s, witness: w });
    }
    return out;
}
