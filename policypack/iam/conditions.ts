/**
 * Condition operators with their real semantics, including what happens when the key is absent.
 *
 * - A positive operator on an absent key is false; a negated one (StringNotEquals, ArnNotLike,
 *   NotIpAddress, ...) is TRUE. `...IfExists` is true when the key is absent. `Null` tests presence.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 * - Several values for one key are ORed; for a negated operator they are NORed. Several keys and
 *   several operators are ANDed.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 * - `ForAllValues:` is true when the key is absent or empty; `ForAnyValue:` is false then.
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
import { arnLike } from "./arn";
import { ContextMap, ContextValue } from "./context";
import { PolicyInputError } from "./errors";
import { globSource, hasWildcard } from "./wildcard";

export type OperatorFamily =
    "String" | "Numeric" | "Date" | "Bool" | "Binary" | "Ip" | "Arn" | "Null";
type Mode = "eq" | "eqi" | "like" | "lt" | "le" | "gt" | "ge" | "in";

interface BaseOperator {
    readonly name: string;
    readonly family: OperatorFamily;
    readonly negated: boolean;
    readonly mode: Mode;
}

const BASE_OPERATORS: readonly BaseOperator[] = [
    { name: "StringEquals", family: "String", negated: false, mode: "eq" },
    { name: "StringNotEquals", family: "String", negated: true, mode: "eq" },
    { name: "StringEqualsIgnoreCase", family: "String", negated: false, mode: "eqi" },
    { name: "StringNotEqualsIgnoreCase", family: "String", negated: true, mode: "eqi" },
    { name: "StringLike", family: "String", negated: false, mode: "like" },
    { name: "StringNotLike", family: "String", negated: true, mode: "like" },
    { name: "NumericEquals", family: "Numeric", negated: false, mode: "eq" },
    { name: "NumericNotEquals", family: "Numeric", negated: true, mode: "eq" },
    { name: "NumericLessThan", family: "Numeric", negated: false, mode: "lt" },
    { name: "NumericLessThanEquals", family: "Numeric", negated: false, mode: "le" },
    { name: "NumericGreaterThan", family: "Numeric", negated: false, mode: "gt" },
    { name: "NumericGreaterThanEquals", family: "Numeric", negated: false, mode: "ge" },
    { name: "DateEquals", family: "Date", negated: false, mode: "eq" },
    { name: "DateNotEquals", family: "Date", negated: true, mode: "eq" },
    { name: "DateLessThan", family: "Date", negated: false, mode: "lt" },
    { name: "DateLessThanEquals", family: "Date", negated: false, mode: "le" },
    { name: "DateGreaterThan", family: "Date", negated: false, mode: "gt" },
    { name: "DateGreaterThanEquals", family: "Date", negated: false, mode: "ge" },
    { name: "Bool", family: "Bool", negated: false, mode: "eqi" },
    { name: "BinaryEquals", family: "Binary", negated: false, mode: "eq" },
    { name: "IpAddress", family: "Ip", negated: false, mode: "in" },
    { name: "NotIpAddress", family: "Ip", negated: true, mode: "in" },
    { name: "ArnEquals", family: "Arn", negated: false, mode: "like" },
    { name: "ArnLike", family: "Arn", negated: false, mode: "like" },
    { name: "ArnNotEquals", family: "Arn", negated: true, mode: "like" },
    { name: "ArnNotLike", family: "Arn", negated: true, mode: "like" },
    { name: "Null", family: "Null", negated: false, mode: "eq" },
];
const BASE_BY_LOWER = new Map(BASE_OPERATORS.map((o) => [o.name.toLowerCase(), o]));

export type SetQualifier = "ForAllValues" | "ForAnyValue";

/** One (operator, key) pair of a Condition block, with its values as strings. */
export interface ConditionClause {
    /** The operator as written, e.g. `ForAnyValue:StringLikeIfExists`. */
    readonly operator: string;
    /** Canonical base operator, e.g. `StringLike`. */
    readonly base: string;
    readonly family: OperatorFamily;
    readonly mode: Mode;
    readonly negated: boolean;
    readonly ifExists: boolean;
    readonly qualifier?: SetQualifier;
    /** The key as written, and lower-cased (keys are case-insensitive). */
    readonly key: string;
    readonly keyLower: string;
    readonly values: readonly string[];
    /** Lower-cased names of the context keys referenced by `${...}` policy variables. */
    readonly variableKeys: readonly string[];
}

export interface ParsedOperator {
    readonly base: BaseOperator;
    readonly ifExists: boolean;
    readonly qualifier?: SetQualifier;
}

/** Parses an operator name; operator names are matched case-insensitively. */
export function parseOperator(op: string, path: string): ParsedOperator {
    let rest = op.trim();
    let qualifier: SetQualifier | undefined;
    const lower = rest.toLowerCase();
    if (lower.startsWith("forallvalues:")) {
        qualifier = "ForAllValues";
        rest = rest.slice("forallvalues:".length);
    } else if (lower.startsWith("foranyvalue:")) {
        qualifier = "ForAnyValue";
        rest = rest.slice("foranyvalue:".length);
    }
    let name = rest.toLowerCase();
    let ifExists = false;
    if (name.endsWith("ifexists") && BASE_BY_LOWER.has(name.slice(0, -"ifexists".length))) {
        ifExists = true;
        name = name.slice(0, -"ifexists".length);
    }
    const base = BASE_BY_LOWER.get(name);
    if (!base) throw new PolicyInputError(path, `unknown condition operator "${op}"`);
    if (base.family === "Null" && (ifExists || qualifier)) {
        throw new PolicyInputError(
            path,
            `"${op}" is not a valid operator: Null takes no IfExists suffix or set qualifier`,
        );
    }
    return { base, ifExists, qualifier };
}

const VARIABLE_RE = /\$\{([^}]*)\}/g;

export function variableKeysOf(values: readonly string[]): string[] {
    const keys = new Set<string>();
    for (const v of values) {
        if (!v.includes("${")) continue;
        for (const m of v.matchAll(VARIABLE_RE)) {
            const inner = m[1].trim();
            if (inner === "*" || inner === "?" || inner === "$") continue;
            keys.add(inner.split(",")[0].trim().toLowerCase());
        }
    }
    return [...keys];
}

export function makeClause(
    operator: string,
    key: string,
    values: readonly string[],
    path: string,
): ConditionClause {
    const parsed = parseOperator(operator, path);
    return {
        operator,
        base: parsed.base.name,
        family: parsed.base.family,
        mode: parsed.base.mode,
        negated: parsed.base.negated,
        ifExists: parsed.ifExists,
        qualifier: parsed.qualifier,
        key,
        keyLower: key.toLowerCase(),
        values,
        variableKeys: variableKeysOf(values),
    };
}

// ---------------------------------------------------------------------------------------------
// Policy variables: ${aws:username}, ${aws:username, 'default'}, and the escapes ${*} ${?} ${$}.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// ---------------------------------------------------------------------------------------------

/** A value split into literal text, wildcards (for Like operators) and resolved variables. */
type Piece = { lit: string } | { wild: "*" | "?" };

/** Resolves variables; returns undefined if a variable has no value and no default. */
function resolvePieces(
    value: string,
    like: boolean,
    ctx: ContextMap,
    variables: boolean,
): Piece[] | undefined {
    const pieces: Piece[] = [];
    const pushText = (text: string): void => {
        if (!like) {
            pieces.push({ lit: text });
            return;
        }
        let buf = "";
        for (const ch of text) {
            if (ch === "*" || ch === "?") {
                if (buf) pieces.push({ lit: buf });
                buf = "";
                pieces.push({ wild: ch });
            } else buf += ch;
        }
        if (buf) pieces.push({ lit: buf });
    };
    if (!variables || !value.includes("${")) {
        pushText(value);
        return pieces;
    }
    let last = 0;
    for (const m of value.matchAll(VARIABLE_RE)) {
        const at = m.index ?? 0;
        pushText(value.slice(last, at));
        last = at + m[0].length;
        const inner = m[1].trim();
        if (inner === "*" || inner === "?" || inner === "$") {
            pieces.push({ lit: inner });
            continue;
        }
        const comma = inner.indexOf(",");
        const keyName = (comma >= 0 ? inner.slice(0, comma) : inner).trim().toLowerCase();
        const v = ctx.get(keyName);
        if (typeof v === "string") {
            pieces.push({ lit: v });
        } else if (comma >= 0) {
            const def = inner
                .slice(comma + 1)
                .trim()
                .replace(/^'(.*)'$/, "$1");
            pieces.push({ lit: def });
        } else {
            // AWS: a variable that cannot be resolved (absent, or multivalued) invalidates the match.
            return undefined;
        }
    }
    pushText(value.slice(last));
    return pieces;
}

function piecesToText(pieces: Piece[]): string {
    return pieces.map((p) => ("lit" in p ? p.lit : p.wild)).join("");
}

function piecesToRegExp(pieces: Piece[], caseInsensitive: boolean): RegExp {
    let src = "";
    for (const p of pieces) {
        if ("lit" in p) src += escapeLit(p.lit);
        else src += p.wild === "*" ? "[\\s\\S]*" : "[\\s\\S]";
    }
    return new RegExp(`^${src}$`, caseInsensitive ? "i" : "");
}

function escapeLit(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

const LIKE_CACHE = new Map<string, RegExp>();

function likeMatch(
    pattern: string,
    value: string,
    ctx: ContextMap,
    variables: boolean,
): boolean | undefined {
    if (pattern === "*") return true;
    if (!pattern.includes("${") || !variables) {
        if (!hasWildcard(pattern)) return pattern === value;
        let re = LIKE_CACHE.get(pattern);
        if (!re) {
            if (LIKE_CACHE.size > 4096) LIKE_CACHE.clear();
            re = new RegExp(`^${globSource(pattern)}$`);
            LIKE_CACHE.set(pattern, re);
        }
        return re.test(value);
    }
    const pieces = resolvePieces(pattern, true, ctx, variables);
    if (!pieces) return undefined;
    return piecesToRegExp(pieces, false).test(value);
}

function substitute(value: string, ctx: ContextMap, variables: boolean): string | undefined {
    if (!variables || !value.includes("${")) return value;
    const pieces = resolvePieces(value, false, ctx, variables);
    return pieces ? piecesToText(pieces) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Typed values
// ---------------------------------------------------------------------------------------------

export function parseNumber(s: string): number | undefined {
    if (s.trim() === "") return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
}

/** Dates are ISO 8601 or epoch seconds. */
export function parseDate(s: string): number | undefined {
    if (/^\s*-?\d+(\.\d+)?\s*$/.test(s)) return Number(s) * 1000;
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
}

export interface IpRange {
    readonly v6: boolean;
    readonly start: bigint;
    readonly end: bigint;
}

function parseIpv4(s: string): bigint | undefined {
    const parts = s.split(".");
    if (parts.length !== 4) return undefined;
    let n = 0n;
    for (const p of parts) {
        if (!/^\d{1,3}$/.test(p)) return undefined;
        const v = Number(p);
        if (v > 255) return undefined;
        n = (n << 8n) | BigInt(v);
    }
    return n;
}

function parseIpv6(s: string): bigint | undefined {
    if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(":")) return undefined;
    const halves = s.split("::");
    if (halves.length > 2) return undefined;
    const toGroups = (part: string): number[] | undefined => {
        if (part === "") return [];
        const out: number[] = [];
        const segs = part.split(":");
        for (let i = 0; i < segs.length; i++) {
            const seg = segs[i];
            if (i === segs.length - 1 && seg.includes(".")) {
                const v4 = parseIpv4(seg);
                if (v4 === undefined) return undefined;
                out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
                continue;
            }
            if (!/^[0-9a-fA-F]{1,4}$/.test(seg)) return undefined;
            out.push(parseInt(seg, 16));
        }
        return out;
    };
    const head = toGroups(halves[0]);
    const tail = halves.length === 2 ? toGroups(halves[1]) : [];
    if (!head || !tail) return undefined;
    const missing = 8 - head.length - tail.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
    const groups = [
        ...head,
        ...new Array<number>(halves.length === 2 ? missing : 0).fill(0),
        ...tail,
    ];
    let n = 0n;
    for (const g of groups) n = (n << 16n) | BigInt(g);
    return n;
}

/** Parses an IP address or CIDR block (IPv4 or IPv6). */
export function parseIpRange(s: string): IpRange | undefined {
    const [addr, prefixStr, extra] = s.trim().split("/");
    if (extra !== undefined) return undefined;
    let v6 = false;
    let n = parseIpv4(addr);
    if (n === undefined) {
        n = parseIpv6(addr);
        v6 = true;
    }
    if (n === undefined) return undefined;
    const bits = v6 ? 128 : 32;
    let prefix = bits;
    if (prefixStr !== undefined) {
        if (!/^\d{1,3}$/.test(prefixStr)) return undefined;
        prefix = Number(prefixStr);
        if (prefix > bits) return undefined;
    }
    const hostBits = BigInt(bits - prefix);
    const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << hostBits) - 1n);
    const start = n & mask;
    const end = start | ((1n << hostBits) - 1n);
    return { v6, start, end };
}

export function formatIp(n: bigint, v6: boolean): string {
    if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
    const groups: string[] = [];
    for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
    return groups.join(":");
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** Does one policy value match one request value (ignoring negation)? undefined = unresolvable. */
function matchOne(
    c: ConditionClause,
    policyValue: string,
    requestValue: string,
    ctx: ContextMap,
    variables: boolean,
): boolean | undefined {
    switch (c.family) {
        case "String": {
            if (c.mode === "like") return likeMatch(policyValue, requestValue, ctx, variables);
            const pv = substitute(policyValue, ctx, variables);
            if (pv === undefined) return undefined;
            return c.mode === "eqi"
                ? pv.toLowerCase() === requestValue.toLowerCase()
                : pv === requestValue;
        }
        case "Arn": {
            const pv = substitute(policyValue, ctx, variables);
            if (pv === undefined) return undefined;
            return arnLike(pv, requestValue);
        }
        case "Bool":
            return policyValue.trim().toLowerCase() === requestValue.trim().toLowerCase();
        case "Binary":
            return policyValue === requestValue;
        case "Numeric":
        case "Date": {
            const pvs = substitute(policyValue, ctx, variables);
            if (pvs === undefined) return undefined;
            const parse = c.family === "Numeric" ? parseNumber : parseDate;
            const pv = parse(pvs);
            const rv = parse(requestValue);
            if (pv === undefined || rv === undefined) return false;
            switch (c.mode) {
                case "eq":
                    return rv === pv;
                case "lt":
                    return rv < pv;
                case "le":
                    return rv <= pv;
                case "gt":
                    return rv > pv;
                case "ge":
                    return rv >= pv;
                default:
                    return false;
            }
        }
        case "Ip": {
            const range = parseIpRange(policyValue);
            const addr = parseIpRange(requestValue);
            if (!range || !addr || range.v6 !== addr.v6) return false;
            return addr.start >= range.start && addr.end <= range.end;
        }
        case "Null":
            return false;
    }
}

/** Any policy value matches this request value? undefined if a variable could not be resolved. */
function anyValueMatches(
    c: ConditionClause,
    requestValue: string,
    ctx: ContextMap,
    variables: boolean,
): boolean | undefined {
    let unresolved = false;
    for (const pv of c.values) {
        const r = matchOne(c, pv, requestValue, ctx, variables);
        if (r === true) return true;
        if (r === undefined) unresolved = true;
    }
    return unresolved ? undefined : false;
}

function requestValues(v: ContextValue | undefined): readonly string[] {
    if (v === undefined) return [];
    return typeof v === "string" ? [v] : v;
}

export function isPresent(v: ContextValue | undefined): boolean {
    return v !== undefined && !(typeof v !== "string" && v.length === 0);
}

/**
 * Evaluates one clause. `variables` is false for documents without Version 2012-10-17, where
 * `${...}` is literal text.
 */
export function evaluateClause(c: ConditionClause, ctx: ContextMap, variables = true): boolean {
    const raw = ctx.get(c.keyLower);
    if (c.family === "Null") {
        const present = isPresent(raw);
        return c.values.some((v) => {
            const b = v.trim().toLowerCase();
            return b === "true" ? !present : b === "false" ? present : false;
        });
    }
    const vals = requestValues(raw);
    if (c.qualifier === "ForAllValues") {
        if (vals.length === 0) return true;
        for (const v of vals) {
            const m = anyValueMatches(c, v, ctx, variables);
            if (m === undefined) return false;
            if (c.negated ? m : !m) return false;
        }
        return true;
    }
    if (c.qualifier === "ForAnyValue") {
        for (const v of vals) {
            const m = anyValueMatches(c, v, ctx, variables);
            if (m === undefined) continue;
            if (c.negated ? !m : m) return true;
        }
        return false;
    }
    if (vals.length === 0) return c.ifExists || c.negated;
    let matched = false;
    for (const v of vals) {
        const m = anyValueMatches(c, v, ctx, variables);
        if (m === undefined) return false;
        if (m) {
            matched = true;
            break;
        }
    }
    return c.negated ? !matched : matched;
}

/** All clauses hold (they are ANDed). */
export function evaluateConditions(
    clauses: readonly ConditionClause[],
    ctx: ContextMap,
    variables = true,
): boolean {
    for (const c of clauses) if (!evaluateClause(c, ctx, variables)) return false;
    return true;
}
