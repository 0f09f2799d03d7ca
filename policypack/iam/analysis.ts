/**
 * The questions the policies ask of a document, answered with the witness search (search.ts) so
 * they agree with the evaluator by construction:
 * - who may assume a role without MFA (trust policies);
 * - whether someone outside every account the document names gets in (wildcard principals);
 * - whether OIDC federation pins audience and subject.
 */
import { parseArn } from "./arn";
import { ConditionClause, IpRange, parseIpRange } from "./conditions";
import { awsPrincipalFromArn, ContextValue, RequestPrincipal } from "./context";
import { PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import {
    awsEntryIsEveryone,
    classifyAwsPrincipal,
    classifyFederatedPrincipal,
    FederatedInfo,
} from "./principals";
import {
    Candidate,
    candidatesFor,
    exactValuesFor,
    findAllowWitness,
    Scenario,
    Witness,
} from "./search";
import { globMatch, hasWildcard, instantiateGlob } from "./wildcard";

export const ASSUME_ROLE = "sts:AssumeRole";
export const ASSUME_ROLE_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";
export const MFA_PRESENT = "aws:multifactorauthpresent";
export const MFA_AGE = "aws:multifactorauthage";
export const EXTERNAL_ID = "sts:externalid";

function memo<T>(doc: PolicyDocument, key: string, compute: () => T): T {
    if (doc.memo.has(key)) return doc.memo.get(key) as T;
    const v = compute();
    doc.memo.set(key, v);
    return v;
}

function allClauses(doc: PolicyDocument): ConditionClause[] {
    return doc.statements.flatMap((s) => s.conditions);
}

/** Every exact 12-digit account id the document mentions anywhere. */
export function mentionedAccounts(doc: PolicyDocument): Set<string> {
    return memo(doc, "accounts", () => {
        const out = new Set<string>();
        const scan = (s: string): void => {
            for (const m of s.matchAll(/(?<![0-9])\d{12}(?![0-9])/g)) out.add(m[0]);
        };
        for (const s of doc.statements) {
            for (const el of [s.principal, s.notPrincipal]) {
                if (!el) continue;
                for (const v of [...el.aws, ...el.federated]) scan(v);
            }
            for (const r of [...(s.resource ?? []), ...(s.notResource ?? [])]) scan(r);
            for (const c of s.conditions) for (const v of c.values) scan(v);
        }
        return out;
    });
}

/** Turns an account pattern into a 12-digit id it matches (wildcards filled with digits). */
function instantiateAccount(pattern: string): string | undefined {
    if (!hasWildcard(pattern)) return /^\d{12}$/.test(pattern) ? pattern : undefined;
    const fixedLen = pattern.replace(/\*/g, "").length;
    const stars = (pattern.match(/\*/g) ?? []).length;
    if (fixedLen > 12) return undefined;
    const fill = Math.max(0, 12 - fixedLen);
    let remaining = fill;
    let out = "";
    for (const ch of pattern) {
        if (ch === "*") {
            const n = Math.ceil(remaining / Math.max(1, stars));
            out += "9".repeat(Math.min(n, remaining));
            remaining -= Math.min(n, remaining);
        } else if (ch === "?") out += "7";
        else out += ch;
    }
    return /^\d{12}$/.test(out) ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// Outsiders: principals of an account the document does not name, and anonymous callers.
// ---------------------------------------------------------------------------------------------

const SOURCE_IP = "aws:sourceip";

/**
 * The narrowest range AWS S3 still treats as a restriction of a public grant is fixed, not
 * documented as a number; we treat IPv4 blocks of /8 or longer and IPv6 blocks of /32 or longer as
 * restricting (a corporate egress range), and anything broader (0.0.0.0/0, ::/0, 0.0.0.0/1...) as
 * admitting everyone.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
 */
export function isNarrowIpRange(cidr: string): boolean {
    const r = parseIpRange(cidr);
    if (!r) return false;
    const bits = r.v6 ? 128 : 32;
    const hostBits = (r.end - r.start + 1n).toString(2).length - 1;
    return bits - hostBits >= (r.v6 ? 32 : 8);
}

function narrowIpRanges(clauses: readonly ConditionClause[]): IpRange[] {
    const out: IpRange[] = [];
    for (const c of clauses) {
        if (c.keyLower !== SOURCE_IP) continue;
        for (const v of c.values) {
            const r = parseIpRange(v);
            if (r && isNarrowIpRange(v)) out.push(r);
        }
    }
    return out;
}

function ipInRange(ip: string, r: IpRange): boolean {
    const a = parseIpRange(ip);
    return a !== undefined && a.v6 === r.v6 && a.start >= r.start && a.end <= r.end;
}

/** Keys a requester cannot choose freely: they say who is asking, or from where. */
const ORG_KEYS = ["aws:principalorgid", "aws:sourceorgid", "aws:vpceorgid"];
const ORG_PATH_KEYS = ["aws:principalorgpaths", "aws:sourceorgpaths", "aws:vpceorgpaths"];
const ACCOUNT_KEYS = [
    "aws:sourceaccount",
    "aws:sourceowner",
    "kms:calleraccount",
    "aws:vpceaccount",
];
const ARN_KEYS = ["aws:sourcearn", "aws:sourcevpcarn"];
const NETWORK_KEYS = ["aws:sourcevpc", "aws:sourcevpce"];
const USERID_KEYS = ["aws:userid"];

/** The keys whose exact values count as "restricting who can come in". */
export const IDENTITY_BOUND_KEYS: readonly string[] = [
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "kms:calleraccount",
    "aws:userid",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
    "aws:sourcevpcarn",
];

function outsiderAccounts(doc: PolicyDocument): string[] {
    const trusted = mentionedAccounts(doc);
    const out = new Set<string>();
    let base = 999999999999;
    while (trusted.has(String(base))) base--;
    out.add(String(base));
    const consider = (pattern: string | undefined): void => {
        if (!pattern || !hasWildcard(pattern)) return;
        const a = instantiateAccount(pattern);
        if (a && !trusted.has(a)) out.add(a);
    };
    for (const s of doc.statements) {
        for (const el of [s.principal, s.notPrincipal]) {
            for (const v of el?.aws ?? []) consider(classifyAwsPrincipal(v).account);
        }
        for (const c of s.conditions) {
            for (const v of c.values) {
                if (ACCOUNT_KEYS.includes(c.keyLower) || c.keyLower === "aws:principalaccount")
                    consider(v);
                const a = parseArn(v);
                if (a) consider(a.account);
            }
        }
    }
    return [...out].slice(0, 4);
}

/** Names a requester could give its own user or role to satisfy name-based conditions. */
function chosenNames(doc: PolicyDocument): string[] {
    const names = new Set<string>(["outsider"]);
    for (const c of allClauses(doc)) {
        if (c.keyLower === "aws:username")
            for (const v of c.values) for (const i of instantiateGlob(v, ["zq9"])) names.add(i);
        if (c.keyLower === "aws:principalarn") {
            for (const v of c.values) {
                const a = parseArn(v);
                const name = a?.resource.split("/").pop();
                if (name) for (const i of instantiateGlob(name, ["zq9"])) names.add(i);
            }
        }
    }
    for (const s of doc.statements) {
        for (const v of s.principal?.aws ?? []) {
            const info = classifyAwsPrincipal(v);
            const name = info.resourceName?.split("/").pop();
            if (name && info.accountWildcard)
                for (const i of instantiateGlob(name, ["zq9"])) names.add(i);
        }
    }
    return [...names].filter((n) => n.length > 0 && !n.includes("${")).slice(0, 6);
}

function principalsIn(
    account: string,
    partition: string,
    names: readonly string[],
    withRoot: boolean,
): RequestPrincipal[] {
    const out: RequestPrincipal[] = [];
    for (const n of names) {
        out.push(awsPrincipalFromArn(`arn:${partition}:iam::${account}:user/${n}`)!);
        out.push(
            awsPrincipalFromArn(`arn:${partition}:sts::${account}:assumed-role/${n}/zq9-session`)!,
        );
    }
    if (withRoot) out.push(awsPrincipalFromArn(`arn:${partition}:iam::${account}:root`)!);
    return out;
}

function partitionsOf(doc: PolicyDocument): string[] {
    const out = new Set<string>(["aws"]);
    for (const s of doc.statements) {
        for (const v of [...(s.principal?.aws ?? []), ...(s.notPrincipal?.aws ?? [])]) {
            const p = parseArn(v)?.partition;
            if (p && !hasWildcard(p)) out.add(p);
        }
    }
    return [...out];
}

function outsiderScenario(doc: PolicyDocument, action: string, resource?: string): Scenario {
    const trusted = mentionedAccounts(doc);
    const outsiders = outsiderAccounts(doc);
    const names = chosenNames(doc);
    // Anonymous callers, any AWS service (acting for anyone), and principals of outside accounts.
    const principals: RequestPrincipal[] = [
        { type: "anonymous" },
        { type: "service", service: "zq9-any-service.amazonaws.com" },
    ];
    for (const part of partitionsOf(doc))
        for (const o of outsiders) principals.push(...principalsIn(o, part, names, true));
    const clauses = allClauses(doc);
    const domains = new Map<string, Candidate[]>();
    const exactLower = (key: string): Set<string> =>
        new Set([...exactValuesFor(key, clauses)].map((v) => v.toLowerCase()));
    const generated = (key: string): string[] =>
        candidatesFor(key, clauses).filter((v): v is string => typeof v === "string");

    for (const k of ORG_KEYS) {
        const exact = exactLower(k);
        domains.set(k, [
            undefined,
            "o-zq9outsider",
            ...generated(k).filter((v) => !exact.has(v.toLowerCase())),
        ]);
    }
    // Org paths start with the org id: an outsider's path never starts with an org the document names.
    const trustedOrgs = new Set<string>();
    for (const k of [...ORG_KEYS, ...ORG_PATH_KEYS]) {
        for (const c of clauses) {
            if (c.keyLower !== k) continue;
            for (const v of c.values) {
                const org = v.split("/")[0].toLowerCase();
                if (org !== "" && !hasWildcard(org) && !org.includes("${")) trustedOrgs.add(org);
            }
        }
    }
    for (const k of ORG_PATH_KEYS) {
        const exact = exactLower(k);
        const vals = generated(k).filter(
            (v) => !exact.has(v.toLowerCase()) && !trustedOrgs.has(v.split("/")[0].toLowerCase()),
        );
        domains.set(k, [undefined, ["o-zq9outsider/r-zq9/"], ...vals.map((v) => [v])]);
    }
    for (const k of ACCOUNT_KEYS) {
        const exact = exactLower(k);
        const vals = generated(k).filter((v) => !exact.has(v.toLowerCase()) && !trusted.has(v));
        domains.set(k, [undefined, ...outsiders, ...vals]);
    }
    for (const k of ARN_KEYS) {
        const exact = exactLower(k);
        const vals = new Set<string>();
        for (const c of clauses) {
            if (c.keyLower !== k) continue;
            for (const v of c.values) {
                const a = parseArn(v);
                for (const inst of instantiateGlob(v, ["zq9"])) vals.add(inst);
                if (a && a.account !== "") {
                    for (const o of outsiders) {
                        const swapped = `arn:${a.partition}:${a.service}:${a.region}:${o}:${a.resource}`;
                        for (const inst of instantiateGlob(swapped, ["zq9"])) vals.add(inst);
                    }
                }
            }
        }
        const ok = [...vals].filter((v) => {
            if (exact.has(v.toLowerCase())) return false;
            const acct = parseArn(v)?.account;
            return !(acct && trusted.has(acct));
        });
        domains.set(k, [undefined, `arn:aws:sqs:us-east-1:${outsiders[0]}:zq9`, ...ok]);
    }
    // Source IP: an outsider calls from any address outside the (narrow) ranges the document names.
    const trustedRanges = narrowIpRanges(clauses);
    domains.set(
        SOURCE_IP,
        [undefined, "203.0.113.77", "2001:db8::77", ...generated(SOURCE_IP)].filter(
            (v) =>
                v === undefined ||
                (parseIpRange(v) !== undefined && !trustedRanges.some((r) => ipInRange(v, r))),
        ),
    );
    for (const k of [...NETWORK_KEYS, ...USERID_KEYS]) {
        const exact = exactLower(k);
        domains.set(k, [
            undefined,
            "vpc-zq9outsider",
            "AIDAZQ9OUTSIDER",
            ...generated(k).filter((v) => !exact.has(v.toLowerCase())),
        ]);
    }
    return { principals, action, resource, domains };
}

/** Why a statement's conditions failed to keep outsiders out, for messages. */
function restrictionHints(s: Statement): string[] {
    const hints: string[] = [];
    for (const c of s.conditions) {
        if (!IDENTITY_BOUND_KEYS.includes(c.keyLower)) continue;
        const where = `${c.operator} ${c.key}`;
        if (c.negated) hints.push(`${where} is negated, so every other value gets in`);
        else if (c.ifExists) hints.push(`${where} passes whenever the key is absent`);
        else if (c.qualifier === "ForAllValues")
            hints.push(`${where} passes whenever the key is absent`);
        else if (c.values.some((v) => hasWildcard(v) || v.includes("${")))
            hints.push(`${where} uses a wildcard value`);
    }
    for (const c of s.conditions) {
        if (c.keyLower === SOURCE_IP && !c.negated && c.values.some((v) => !isNarrowIpRange(v))) {
            hints.push(
                `${c.operator} aws:SourceIp ${c.values.join(", ")} admits (nearly) every address`,
            );
        }
    }
    return hints;
}

export interface ExposureFinding {
    readonly statement: Statement;
    readonly witness: Witness;
    /** Explanations of conditions that looked like restrictions but are not. */
    readonly hints: readonly string[];
}

/**
 * Allow statements that let someone outside every account the document names in (anyone when
 * anonymous access is possible). A condition only keeps outsiders out if it pins an identity-bound
 * key (org id, account, principal ARN with an exact account, source VPC or endpoint, source ARN or
 * account) to exact values and the key must be present.
 */
export function findPublicAccess(
    doc: PolicyDocument,
    opts: PublicAccessOptions = {},
): ExposureFinding[] {
    return memo(
        doc,
        `public:${opts.resource ?? ""}:${(opts.actions ?? []).join(",")}:${(opts.services ?? []).join(",")}`,
        () => {
            const out: ExposureFinding[] = [];
            for (const s of doc.statements) {
                if (s.effect !== "Allow") continue;
                const broad =
                    s.notPrincipal !== undefined ||
                    s.principal?.star === true ||
                    (s.principal?.aws ?? []).some((a) =>
                        awsEntryIsEveryone(classifyAwsPrincipal(a)),
                    ) ||
                    (s.principal?.service ?? []).some((svc) => hasWildcard(svc));
                if (!broad) continue;
                // Probe with each action the statement grants: the real actions of the resource when
                // known (trust policies), else instantiations of its patterns (NotAction: any other
                // action of the resource's services).
                const probes = opts.actions
                    ? opts.actions
                    : s.notAction
                      ? (opts.services ?? ["zq9service"]).map((svc) => `${svc}:Zq9Action`)
                      : (s.action ?? []).map((a) => instantiateGlob(a, ["Zq9"])[0]);
                let witness: Witness | undefined;
                for (const a of probes) {
                    if (!statementMatchesAction(s, a)) continue;
                    witness = findAllowWitness(doc, outsiderScenario(doc, a, opts.resource), s);
                    if (witness) break;
                }
                if (witness) out.push({ statement: s, witness, hints: restrictionHints(s) });
            }
            return out;
        },
    );
}

/** The actions a role trust policy governs. */
export const TRUST_POLICY_ACTIONS: readonly string[] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

export interface PublicAccessOptions {
    /** The resource ARN, if known. */
    readonly resource?: string;
    /** Every action the document can govern (e.g. TRUST_POLICY_ACTIONS). */
    readonly actions?: readonly string[];
    /** Service prefixes of the resource (e.g. ["s3"]), to probe NotAction statements. */
    readonly services?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Trust policies: humans and MFA.
// ---------------------------------------------------------------------------------------------

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

function probePrincipals(doc: PolicyDocument, e: HumanEntry): RequestPrincipal[] {
    const names = chosenNames(doc).map((n) => (n === "outsider" ? "mfa-probe" : n));
    if (e.kind === "everyone") {
        // Everyone: users of accounts the document does not name, and users of those it names
        // (conditions may admit only the latter), including the users it names explicitly.
        const accounts = [...outsiderAccounts(doc), ...mentionedAccounts(doc)];
        return [
            ...accounts.flatMap((o) =>
                names.map((n) => awsPrincipalFromArn(`arn:aws:iam::${o}:user/${n}`)!),
            ),
            ...namedUsers(doc),
        ];
    }
    const info = classifyAwsPrincipal(e.raw);
    const partition = info.partition ?? "aws";
    if (e.kind === "account") {
        const named = namedUsers(doc).filter(
            (p) => p.type === "aws" && globMatch(info.account ?? "", p.account),
        );
        return [
            ...names.map((n) =>
                awsPrincipalFromArn(`arn:${partition}:iam::${info.account}:user/${n}`)!,
            ),
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
            awsPrincipalFromArn(`arn:${partition}:sts::${a.account}:assumed-role/${r}/mfa-probe`)!,
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
    const clauses = allClauses(doc);
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
    return memo(doc, `mfa:${!!opts.ssoRolesAreHuman}:${!!opts.externalIdSatisfies}`, () => {
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
    });
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
                    `arn:${p.partition}:sts::${p.account}:assumed-role/${p.name}/probe`,
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

// ---------------------------------------------------------------------------------------------
// OIDC federation
// ---------------------------------------------------------------------------------------------

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
    return memo(doc, "oidc", () => {
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
