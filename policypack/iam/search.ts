/**
 * Witness search: "is there a request of this kind that the document allows?"
 *
 * A scenario fixes who asks (a few concrete principals), the action, and the values the requester
 * cannot choose (e.g. "no MFA": aws:MultiFactorAuthPresent absent or "false"). Every other context
 * key is the requester's to choose. We enumerate candidate values per key (absent, every literal
 * the document mentions, wildcard instantiations, near misses) and look for an assignment under
 * which some Allow statement applies and no Deny statement does, using the real evaluator
 * (evaluate.ts) for every check. Conditions are conjunctions of per-key clauses, so backtracking
 * key by key with early pruning keeps this small.
 *
 * Candidate generation can in theory miss a satisfying value for an exotic combination of
 * operators on one free key; it covers every value class the condition operators distinguish
 * (absent, equal, not equal, inside/outside wildcard and CIDR, below/at/above numbers and dates).
 */
import {
    evaluateClause,
    ConditionClause,
    formatIp,
    parseDate,
    parseIpRange,
    parseNumber,
} from "./conditions";
import { ContextValue, principalContextKeys, RequestPrincipal } from "./context";
import { PolicyDocument, Statement } from "./document";
import { keyAbsentFor, principalCanCall } from "./requestShape";
import {
    statementMatchesAction,
    statementMatchesPrincipal,
    statementMatchesResource,
} from "./evaluate";
import { isSingleValued, pinnedUniqueId, PRINCIPAL_DERIVED_KEYS } from "./keys";
import { MFA_AGE, MFA_PRESENT } from "./sts";
import { globMatch, hasWildcard, instantiateGlob } from "./wildcard";

/** A candidate value; `undefined` means "key absent from the request". */
export type Candidate = ContextValue | undefined;

export interface Scenario {
    /** The principals the requester may be; each is tried. */
    readonly principals: readonly RequestPrincipal[];
    readonly action: string;
    readonly resource?: string;
    /** Finite domains for the keys the scenario controls (lower-cased names). */
    readonly domains?: ReadonlyMap<string, readonly Candidate[]>;
    /** Generated candidates for which this returns true are dropped. */
    readonly exclude?: (keyLower: string, value: ContextValue) => boolean;
}

export interface Witness {
    readonly statement: Statement;
    readonly principal: RequestPrincipal;
    /** The context keys (lower-cased) of the allowed request; absent keys are omitted. */
    readonly context: Readonly<Record<string, ContextValue>>;
    /**
     * The search gave up (conditions too large to enumerate within SEARCH_BUDGET steps); the
     * statement is then treated as allowing the request, which is the safe answer.
     */
    readonly undecided?: boolean;
}

/** Most assignments tried per statement before giving up (conservatively). */
export const SEARCH_BUDGET = 200_000;

class BudgetExceeded {}

const FILLERS = ["", "zq9"];

const OTHER = "zq9-other";
/** The value the search gives a key no clause names a value for (bounds.ts resolves variables to it). */
export const OTHER_VALUE = OTHER;
const USERID = "aws:userid";

/**
 * The unique ids the clauses on aws:userid pin (`AROA...:*`, `AIDA...`). AWS sets aws:userid from
 * the principal, so a principal whose id the scenario does not give is none of these.
 */
function pinnedUniqueIds(clauses: readonly ConditionClause[]): Set<string> {
    const out = new Set<string>();
    for (const c of clauses) {
        if (c.keyLower !== USERID) continue;
        for (const v of c.values) {
            const id = pinnedUniqueId(v);
            if (id) out.add(id);
        }
    }
    return out;
}

function carriesPinnedId(v: Candidate, ids: ReadonlySet<string>): boolean {
    const one = (x: string): boolean => ids.has(pinnedUniqueId(x) ?? "");
    return v !== undefined && (typeof v === "string" ? one(v) : v.some(one));
}

/** Candidate values for one key, derived from the clauses that mention it. */
export function candidatesFor(keyLower: string, clauses: readonly ConditionClause[]): Candidate[] {
    const singles = new Set<string>();
    let multi = false;
    for (const c of clauses) {
        if (c.keyLower !== keyLower) continue;
        // Only string and ARN keys can be multivalued, and the keys the table (keys.ts) says
        // hold one value never are.
        if (
            c.qualifier &&
            (c.family === "String" || c.family === "Arn") &&
            !isSingleValued(keyLower)
        )
            multi = true;
        for (const v of c.values) {
            // Request values are addresses, never CIDR blocks.
            if (c.family !== "Ip") singles.add(v);
            switch (c.family) {
                case "String":
                case "Arn":
                    for (const i of instantiateGlob(v, FILLERS)) singles.add(i);
                    if (c.mode === "eqi") {
                        singles.add(v.toUpperCase());
                        singles.add(v.toLowerCase());
                    }
                    singles.add(`${v}zq9`);
                    break;
                case "Numeric": {
                    const n = parseNumber(v);
                    if (n !== undefined) for (const d of [-1, 0, 1]) singles.add(String(n + d));
                    break;
                }
                case "Date": {
                    const t = parseDate(v);
                    if (t !== undefined)
                        for (const d of [-1000, 0, 1000])
                            singles.add(new Date(t + d).toISOString());
                    break;
                }
                case "Ip": {
                    const r = parseIpRange(v);
                    if (r) {
                        const max = (1n << (r.v6 ? 128n : 32n)) - 1n;
                        singles.add(formatIp(r.start, r.v6));
                        singles.add(formatIp(r.end, r.v6));
                        if (r.start > 0n) singles.add(formatIp(r.start - 1n, r.v6));
                        if (r.end < max) singles.add(formatIp(r.end + 1n, r.v6));
                    }
                    break;
                }
                case "Bool":
                    singles.add("true");
                    singles.add("false");
                    break;
                default:
                    break;
            }
        }
        // Variables are resolved against other keys; also try the raw text with them removed.
        for (const v of c.values) if (v.includes("${")) singles.add(v.replace(/\$\{[^}]*\}/g, ""));
    }
    singles.add(OTHER);
    const out: Candidate[] = [undefined, ...singles];
    if (multi) {
        const list = [...singles];
        out.push([]);
        for (const s of list) {
            out.push([s]);
            if (s !== OTHER) out.push([s, OTHER]);
        }
        const head = list.slice(0, 6);
        for (let i = 0; i < head.length; i++)
            for (let j = i + 1; j < head.length; j++) out.push([head[i], head[j]]);
    }
    return out;
}

function keysOfResourcePatterns(s: Statement): string[] {
    const keys: string[] = [];
    for (const p of [...(s.resource ?? []), ...(s.notResource ?? [])]) {
        for (const m of p.matchAll(/\$\{([^}]*)\}/g)) {
            const inner = m[1].trim();
            if (inner === "*" || inner === "?" || inner === "$") continue;
            keys.push(inner.split(",")[0].trim().toLowerCase());
        }
    }
    return keys;
}

/**
 * Context keys AWS sets together: aws:MultiFactorAuthAge exists only when MFA was used, so then
 * aws:MultiFactorAuthPresent is "true".
 */
function consistent(ctx: ReadonlyMap<string, ContextValue>): boolean {
    return !ctx.has(MFA_AGE) || ctx.get(MFA_PRESENT) === "true";
}

interface Check {
    /** -1 for the Allow statement, else index into the denies. */
    readonly owner: number;
    readonly clause: ConditionClause;
}

function searchStatement(
    doc: PolicyDocument,
    allow: Statement,
    denies: readonly Statement[],
    principal: RequestPrincipal,
    scenario: Scenario,
): Witness | undefined {
    const fixed = principalContextKeys(principal);
    // Keys derived from the principal are decided by it: absent when it does not supply them.
    const fixedKeys = new Set([...Object.keys(fixed), ...PRINCIPAL_DERIVED_KEYS]);
    const stmts = [allow, ...denies];
    const allClauses: ConditionClause[] = [];
    for (const s of stmts) allClauses.push(...s.conditions);

    // Keys to choose values for, and their candidates.
    const keySet = new Set<string>();
    for (const c of allClauses) {
        keySet.add(c.keyLower);
        for (const v of c.variableKeys) keySet.add(v);
    }
    for (const s of stmts) for (const k of keysOfResourcePatterns(s)) keySet.add(k);
    // aws:MultiFactorAuthAge implies aws:MultiFactorAuthPresent = "true" (see consistent()).
    if (keySet.has(MFA_AGE)) keySet.add(MFA_PRESENT);
    for (const k of fixedKeys) keySet.delete(k);
    // Keys this kind of principal never sends stay absent (requestShape.ts): no MFA on an
    // anonymous call, no sts:ExternalId with a web identity, no token claims on a service's call.
    for (const k of keySet) if (keyAbsentFor(principal, k)) keySet.delete(k);
    const keys = [...keySet];
    const domains = new Map<string, readonly Candidate[]>();
    for (const k of keys) {
        let d = scenario.domains?.get(k);
        if (!d) {
            d = candidatesFor(k, allClauses);
            if (k === MFA_PRESENT) d = [...new Set([...d, "true", "false"])];
            if (scenario.exclude) d = d.filter((v) => v === undefined || !scenario.exclude!(k, v));
        }
        if (k === USERID) {
            const ids = pinnedUniqueIds(allClauses);
            if (ids.size) d = d.filter((v) => !carriesPinnedId(v, ids));
        }
        domains.set(k, d);
    }
    keys.sort((a, b) => domains.get(a)!.length - domains.get(b)!.length);
    const position = new Map(keys.map((k, i) => [k, i]));

    // Schedule each clause at the depth where its last key is assigned.
    const schedule: Check[][] = keys.map(() => []);
    const immediate: Check[] = [];
    stmts.forEach((s, i) => {
        for (const clause of s.conditions) {
            let at = -1;
            for (const k of [clause.keyLower, ...clause.variableKeys])
                at = Math.max(at, position.get(k) ?? -1);
            const check = { owner: i - 1, clause };
            if (at < 0) immediate.push(check);
            else schedule[at].push(check);
        }
    });
    const lastDepthOfDeny = denies.map((d) => {
        let at = -1;
        for (const clause of d.conditions) {
            for (const k of [clause.keyLower, ...clause.variableKeys])
                at = Math.max(at, position.get(k) ?? -1);
        }
        return at;
    });

    const ctx = new Map<string, ContextValue>(Object.entries(fixed));
    const variables = doc.variables;

    // Evaluate checks; returns the updated "falsified" flags, or undefined if this branch is dead.
    const apply = (
        checks: readonly Check[],
        falsified: readonly boolean[],
        depth: number,
    ): boolean[] | undefined => {
        let out: boolean[] | undefined;
        for (const ch of checks) {
            if (ch.owner >= 0 && (out ?? falsified)[ch.owner]) continue;
            const ok = evaluateClause(ch.clause, ctx, variables);
            if (ch.owner < 0) {
                if (!ok) return undefined;
            } else if (!ok) {
                out = out ?? [...falsified];
                out[ch.owner] = true;
            }
        }
        const flags = out ?? (falsified as boolean[]);
        // A Deny whose clauses are all decided and all hold applies: the branch is dead, unless
        // its resource pattern cannot match (checked at the leaf).
        for (let i = 0; i < denies.length; i++) {
            if (!flags[i] && lastDepthOfDeny[i] === depth && scenario.resource === undefined)
                return undefined;
        }
        return flags;
    };

    const leaf = (falsified: readonly boolean[]): boolean => {
        if (!consistent(ctx)) return false;
        if (!statementMatchesResource(allow, scenario.resource, ctx, variables)) return false;
        for (let i = 0; i < denies.length; i++) {
            if (falsified[i]) continue;
            if (statementMatchesResource(denies[i], scenario.resource, ctx, variables))
                return false;
        }
        return true;
    };

    const start = apply(
        immediate,
        denies.map(() => false),
        -1,
    );
    if (!start) return undefined;

    let steps = 0;
    const recurse = (depth: number, falsified: readonly boolean[]): boolean => {
        if (depth === keys.length) return leaf(falsified);
        const key = keys[depth];
        for (const v of domains.get(key)!) {
            if (++steps > SEARCH_BUDGET) throw new BudgetExceeded();
            if (v === undefined) ctx.delete(key);
            else ctx.set(key, v);
            const next = apply(schedule[depth], falsified, depth);
            if (next && recurse(depth + 1, next)) return true;
        }
        ctx.delete(key);
        return false;
    };

    try {
        if (!recurse(0, start)) return undefined;
    } catch (e) {
        if (e instanceof BudgetExceeded)
            return { statement: allow, principal, context: {}, undecided: true };
        throw e;
    }
    return { statement: allow, principal, context: Object.fromEntries(ctx) };
}

/**
 * Finds a request of the scenario's kind that the document allows. With `only`, just that Allow
 * statement may grant (Deny statements of the whole document still apply).
 */
export function findAllowWitness(
    doc: PolicyDocument,
    scenario: Scenario,
    only?: Statement,
): Witness | undefined {
    for (const p of scenario.principals) {
        // Only requests AWS can receive: no anonymous sts:AssumeRole, no AWS principal's
        // AssumeRoleWithWebIdentity (requestShape.ts).
        if (!principalCanCall(p, scenario.action)) continue;
        const denies = doc.statements.filter(
            (s) =>
                s.effect === "Deny" &&
                statementMatchesAction(s, scenario.action) &&
                statementMatchesPrincipal(s, p),
        );
        const allows = only ? [only] : doc.statements.filter((s) => s.effect === "Allow");
        for (const s of allows) {
            if (
                s.effect !== "Allow" ||
                !statementMatchesAction(s, scenario.action) ||
                !statementMatchesPrincipal(s, p)
            )
                continue;
            // Without a concrete resource, only a Deny covering every resource the Allow grants counts.
            const relevant =
                scenario.resource === undefined
                    ? denies.filter((d) => denyCoversResources(d, s))
                    : denies;
            const w = searchStatement(doc, s, relevant, p, scenario);
            if (w) return w;
        }
    }
    return undefined;
}

/** Does the Deny's Resource element cover every resource the Allow's does? */
function denyCoversResources(deny: Statement, allow: Statement): boolean {
    if (!deny.resource && !deny.notResource) return true;
    if (!deny.resource) return false;
    if (deny.resource.includes("*")) return true;
    if (!allow.resource) return false;
    return allow.resource.every((p) => deny.resource!.some((q) => q === p || globMatch(q, p)));
}

/** Literal values without wildcards or variables ("exact" values) among clauses on a key. */
export function exactValuesFor(keyLower: string, clauses: readonly ConditionClause[]): Set<string> {
    const out = new Set<string>();
    for (const c of clauses) {
        if (c.keyLower !== keyLower) continue;
        for (const v of c.values) {
            // A "*" or "?" counts as a wildcard value even under StringEquals (where it is literal):
            // it is never a real org id, account or external id, only a mistake to flag.
            if (v.includes("${") || v === "" || hasWildcard(v)) continue;
            out.add(c.mode === "eqi" ? v.toLowerCase() : v);
            if (c.mode === "eqi") out.add(v);
        }
    }
    return out;
}
