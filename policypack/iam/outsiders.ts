/**
 * Outsiders: whether someone outside every account a document names gets in (wildcard principals,
 * conditions that look like restrictions but are not), answered with the witness search
 * (search.ts) so it agrees with the evaluator by construction. The probes it builds (outside
 * accounts, names a requester can choose) serve the MFA analysis too (mfa.ts).
 */
import {
    accountRootArn,
    arn,
    assumedRoleArn,
    formatArn,
    iamUserArn,
    parseArn,
    PROBE_PARTITION,
} from "./arn";
import { ConditionClause, IpRange, parseIpRange } from "./conditions";
import { awsPrincipalFromArn, RequestPrincipal } from "./context";
import { allConditions, DocumentCache, PolicyDocument, Statement } from "./document";
import { statementMatchesAction } from "./evaluate";
import { awsEntryIsEveryone, classifyAwsPrincipal } from "./principals";
import {
    Candidate,
    candidatesFor,
    exactValuesFor,
    findAllowWitness,
    Scenario,
    Witness,
} from "./search";
import { IDENTITY_BOUND_KEYS, keyEntry, requesterPinKeys, resourcePinKeys } from "./keys";
import { hasWildcard, instantiateGlob } from "./wildcard";

const accountsCache = new DocumentCache<Set<string>>();
const publicAccessCache = new DocumentCache<ExposureFinding[]>();

/** Every exact 12-digit account id the document mentions anywhere. */
export function mentionedAccounts(doc: PolicyDocument): Set<string> {
    return accountsCache.get(doc, () => {
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

/** Stand-ins for the resource's own organization and account when nothing names them. */
const RESOURCE_ORG = "o-zq9resourceorg";
const RESOURCE_ACCOUNT = "000000000000";

/** Is this witness value a stand-in for the resource's own org, path or account (not a fact)? */
export function isResourceStandIn(value: unknown): boolean {
    const one = (v: unknown) =>
        typeof v === "string" && (v.startsWith(RESOURCE_ORG) || v === RESOURCE_ACCOUNT);
    return Array.isArray(value) ? value.some(one) : one(value);
}

/**
 * Keys a requester cannot choose freely: they say who is asking, from where, or for whom (the
 * calling service's resource). Derived from the key table (keys.ts), like every key set here.
 */
const ORG_KEYS = requesterPinKeys("org");
const ORG_PATH_KEYS = requesterPinKeys("org-path");
const ACCOUNT_KEYS = requesterPinKeys("account");
const ARN_KEYS = requesterPinKeys("arn");
const NETWORK_KEYS = requesterPinKeys("network");
const USERID_KEYS = requesterPinKeys("userid");
const [RESOURCE_ORG_KEY] = resourcePinKeys("org");
const [RESOURCE_ORG_PATHS_KEY] = resourcePinKeys("org-path");
const [RESOURCE_ACCOUNT_KEY] = resourcePinKeys("account");
/** Every account key of the request's side, the principal's own account included. */
const PRINCIPAL_ACCOUNT_KEYS = new Set(
    IDENTITY_BOUND_KEYS.filter((k) => keyEntry(k)?.pins === "account"),
);

/** The keys whose exact values count as "restricting who can come in" (keys.ts). */
export { IDENTITY_BOUND_KEYS };

/**
 * Accounts outside, from which outsiders are probed (at most four): by default accounts the
 * document does not name; with `inside` (the organization's accounts), also every account the
 * document names that is not inside, since naming an account does not make it designated.
 */
export function outsiderAccounts(doc: PolicyDocument, inside?: ReadonlySet<string>): string[] {
    const trusted = inside ?? mentionedAccounts(doc);
    const out = new Set<string>();
    let base = 999999999999;
    while (trusted.has(String(base)) || mentionedAccounts(doc).has(String(base))) base--;
    out.add(String(base));
    if (inside) for (const a of mentionedAccounts(doc)) if (!inside.has(a)) out.add(a);
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
                if (PRINCIPAL_ACCOUNT_KEYS.has(c.keyLower)) consider(v);
                const a = parseArn(v);
                if (a) consider(a.account);
            }
        }
    }
    return [...out].slice(0, 4);
}

/** Names a requester could give its own user or role to satisfy name-based conditions. */
export function chosenNames(doc: PolicyDocument): string[] {
    const names = new Set<string>(["outsider"]);
    for (const c of allConditions(doc)) {
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

/**
 * Principals of `accounts` whose ARNs have the shape of the document's aws:PrincipalArn conditions:
 * each pattern (in any operator) with its account replaced by each of `accounts` and its wildcards
 * filled. Anyone can create a user or role at any path and name in an account of their own, so a
 * pattern whose account is open (`arn:aws:iam::*:user/org-access/*`) admits the outside account's
 * `user/org-access/zq9`, which a probe at "/" (`user/outsider`) never shows. A role's pattern
 * stands for the sessions of that role: aws:PrincipalArn of a session is the role's ARN, path
 * included.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
export function principalArnProbes(
    doc: PolicyDocument,
    accounts: readonly string[],
    partition: string,
): RequestPrincipal[] {
    const out = new Map<string, RequestPrincipal>();
    for (const c of allConditions(doc)) {
        if (c.keyLower !== "aws:principalarn") continue;
        for (const v of c.values) {
            const a = parseArn(v);
            if (!a || v.includes("${")) continue;
            const kind = a.resource.split("/")[0];
            if (kind !== "user" && kind !== "role") continue;
            const part = hasWildcard(a.partition) ? partition : a.partition;
            for (const account of accounts) {
                const swapped = formatArn({
                    ...a,
                    partition: part,
                    service: "iam",
                    region: "",
                    account,
                });
                for (const inst of instantiateGlob(swapped, ["zq9"])) {
                    const p = awsPrincipalFromArn(inst);
                    if (!p || p.type !== "aws") continue;
                    if (p.kind === "user") out.set(p.arn, p);
                    else if (p.kind === "role") {
                        const session = awsPrincipalFromArn(
                            assumedRoleArn(p.partition, p.account, p.name, "zq9-session"),
                        );
                        if (session && session.type === "aws")
                            out.set(inst, { ...session, roleArn: inst });
                    }
                }
            }
        }
    }
    return [...out.values()];
}

function principalsIn(
    account: string,
    partition: string,
    names: readonly string[],
    withRoot: boolean,
): RequestPrincipal[] {
    const out: RequestPrincipal[] = [];
    for (const n of names) {
        out.push(awsPrincipalFromArn(iamUserArn(partition, account, n))!);
        out.push(awsPrincipalFromArn(assumedRoleArn(partition, account, n, "zq9-session"))!);
    }
    if (withRoot) out.push(awsPrincipalFromArn(accountRootArn(partition, account))!);
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

/**
 * Who counts as inside, for an analysis that knows the organization (evidence/proofs): without a
 * scope, the accounts and organizations the document names are inside.
 */
export interface OutsiderScope {
    /** The organization's accounts: every other account is outside, named or not. */
    readonly insideAccounts: ReadonlySet<string>;
    /** The organization's id(s): every other org id, named or not, is outside. */
    readonly insideOrgs: ReadonlySet<string>;
    /**
     * More keys whose values are ARNs that the calling service sets for the resource it acts for
     * (e.g. `kms:encryptioncontext:aws:logs:arn`), lower-cased: an outsider's request carries an
     * ARN of an outside account there, as it does in aws:SourceArn.
     */
    readonly arnKeys?: readonly string[];
}

/**
 * The requests an outsider can make for `action`: anonymous callers, any AWS service (acting for
 * anyone), principals of outside accounts, and for every key that says who asks or for whom (org
 * ids, source accounts and ARNs, addresses...) only values an outsider can present.
 */
export function outsiderScenario(
    doc: PolicyDocument,
    action: string,
    resource?: string,
    scope?: OutsiderScope,
): Scenario {
    const trusted = scope?.insideAccounts ?? mentionedAccounts(doc);
    const outsiders = outsiderAccounts(doc, scope?.insideAccounts);
    const names = chosenNames(doc);
    // Anonymous callers, any AWS service (acting for anyone), a web identity anyone can obtain
    // (a Google account's ID token: AWS trusts accounts.google.com without an IAM identity
    // provider, https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html),
    // and principals of outside accounts. The search tries each only on the calls it can make
    // (requestShape.ts): the web identity is the outsider of sts:AssumeRoleWithWebIdentity.
    const principals: RequestPrincipal[] = [
        { type: "anonymous" },
        { type: "service", service: "zq9-any-service.amazonaws.com" },
        { type: "federated", provider: "accounts.google.com" },
    ];
    for (const part of partitionsOf(doc)) {
        for (const o of outsiders) principals.push(...principalsIn(o, part, names, true));
        principals.push(...principalArnProbes(doc, outsiders, part));
    }
    const clauses = allConditions(doc);
    const domains = new Map<string, Candidate[]>();
    const exactLower = (key: string): Set<string> =>
        new Set([...exactValuesFor(key, clauses)].map((v) => v.toLowerCase()));
    const generated = (key: string): string[] =>
        candidatesFor(key, clauses).filter((v): v is string => typeof v === "string");

    const insideOrgs = scope && new Set([...scope.insideOrgs].map((o) => o.toLowerCase()));
    // Keys AWS sets from the resource (keys.ts) are the resource's, not the caller's: the
    // resource is the document owner's, in the owner's organization and account. Its org is one
    // of the inside orgs, else one the document names for it, else an org no outsider is in.
    const resourceOrgs = [
        ...(insideOrgs ?? [RESOURCE_ORG]),
        ...(insideOrgs ? [] : exactLower(RESOURCE_ORG_KEY)),
    ];
    domains.set(RESOURCE_ORG_KEY, resourceOrgs);
    domains.set(
        RESOURCE_ORG_PATHS_KEY,
        [`${resourceOrgs[0]}/r-zq9/`, ...generated(RESOURCE_ORG_PATHS_KEY)].map((v) => [v]),
    );
    const resourceAccount = (resource && parseArn(resource)?.account) || RESOURCE_ACCOUNT;
    domains.set(RESOURCE_ACCOUNT_KEY, [
        resourceAccount,
        ...[...exactValuesFor(RESOURCE_ACCOUNT_KEY, clauses)].filter((a) => trusted.has(a)),
    ]);
    const resourceOrgSet = new Set(resourceOrgs.map((o) => o.toLowerCase()));
    for (const k of ORG_KEYS) {
        // An outsider is in none of the orgs the resource may be in.
        const exact = new Set([...(insideOrgs ?? exactLower(k)), ...resourceOrgSet]);
        domains.set(k, [
            undefined,
            "o-zq9outsider",
            ...generated(k).filter((v) => !exact.has(v.toLowerCase())),
        ]);
    }
    // Org paths start with the org id: an outsider's path never starts with an org the document names.
    const trustedOrgs = new Set<string>(insideOrgs ?? []);
    for (const k of insideOrgs ? [] : [...ORG_KEYS, ...ORG_PATH_KEYS]) {
        for (const c of clauses) {
            if (c.keyLower !== k) continue;
            for (const v of c.values) {
                const org = v.split("/")[0].toLowerCase();
                if (org !== "" && !hasWildcard(org) && !org.includes("${")) trustedOrgs.add(org);
            }
        }
    }
    for (const k of ORG_PATH_KEYS) {
        const exact = scope ? new Set<string>() : exactLower(k);
        const vals = generated(k).filter(
            (v) => !exact.has(v.toLowerCase()) && !trustedOrgs.has(v.split("/")[0].toLowerCase()),
        );
        domains.set(k, [undefined, ["o-zq9outsider/r-zq9/"], ...vals.map((v) => [v])]);
    }
    for (const k of ACCOUNT_KEYS) {
        const exact = scope ? new Set<string>() : exactLower(k);
        const vals = generated(k).filter((v) => !exact.has(v.toLowerCase()) && !trusted.has(v));
        domains.set(k, [undefined, ...outsiders, ...vals]);
    }
    for (const k of [...ARN_KEYS, ...(scope?.arnKeys ?? [])]) {
        const exact = exactLower(k);
        const vals = new Set<string>();
        for (const c of clauses) {
            if (c.keyLower !== k) continue;
            for (const v of c.values) {
                const a = parseArn(v);
                for (const inst of instantiateGlob(v, ["zq9"])) vals.add(inst);
                if (a && a.account !== "") {
                    for (const o of outsiders) {
                        const swapped = formatArn({ ...a, account: o });
                        for (const inst of instantiateGlob(swapped, ["zq9"])) vals.add(inst);
                    }
                }
            }
        }
        const ok = [...vals].filter((v) => {
            const acct = parseArn(v)?.account;
            // In a scope, an ARN of an outside account is the outsider's own, named or not; an
            // ARN without an account (an S3 bucket) is still only the document's to name.
            if ((!scope || !acct) && exact.has(v.toLowerCase())) return false;
            return !(acct && trusted.has(acct));
        });
        domains.set(k, [
            undefined,
            arn(PROBE_PARTITION, "sqs", "us-east-1", outsiders[0], "zq9"),
            ...ok,
        ]);
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
    return publicAccessCache.get(
        doc,
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
        `public:${opts.resource ?? ""}:${(opts.actions ?? []).join(",")}:${(opts.services ?? []).join(",")}`,
    );
}

export interface PublicAccessOptions {
    /** The resource ARN, if known. */
    readonly resource?: string;
    /** Every action the document can govern (e.g. TRUST_POLICY_ACTIONS). */
    readonly actions?: readonly string[];
    /** Service prefixes of the resource (e.g. ["s3"]), to probe NotAction statements. */
    readonly services?: readonly string[];
}
