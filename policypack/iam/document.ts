/**
 * Parsing and normalising policy documents: the only place in the project that reads policy JSON.
 * Documents come as JSON strings or objects; `Statement` as one object or an array; every
 * single-or-list element becomes a list. Malformed input raises `PolicyInputError` (and nothing
 * else); `UnknownValueError` from Pulumi's preview proxy passes through untouched.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
 */
import { ConditionClause, makeClause, parseOperator } from "./conditions";
import { PolicyInputError } from "./errors";
import { PrincipalElement } from "./principals";

export type Effect = "Allow" | "Deny";

export interface Statement {
    /** Position in the Statement array (0 when Statement is a single object). */
    readonly index: number;
    readonly sid?: string;
    readonly effect: Effect;
    readonly principal?: PrincipalElement;
    readonly notPrincipal?: PrincipalElement;
    readonly action?: readonly string[];
    readonly notAction?: readonly string[];
    readonly resource?: readonly string[];
    readonly notResource?: readonly string[];
    readonly conditions: readonly ConditionClause[];
}

export interface PolicyDocument {
    readonly version?: string;
    readonly id?: string;
    readonly statements: readonly Statement[];
    /** Policy variables are only substituted in Version 2012-10-17 documents. */
    readonly variables: boolean;
}

/**
 * One analysis' answers, per parsed document and, where the analysis takes options, per variant
 * of them. Documents are immutable once parsed and shared through the parse cache, so an answer
 * stays valid for as long as its document lives; the WeakMap lets both go together.
 */
export class DocumentCache<V> {
    private readonly byDocument = new WeakMap<PolicyDocument, Map<string, V>>();

    get(doc: PolicyDocument, compute: () => V, variant = ""): V {
        let answers = this.byDocument.get(doc);
        if (!answers) {
            answers = new Map();
            this.byDocument.set(doc, answers);
        }
        if (answers.has(variant)) return answers.get(variant) as V;
        const value = compute();
        answers.set(variant, value);
        return value;
    }
}

/** Every condition clause of the document, in statement order. */
export function allConditions(doc: PolicyDocument): ConditionClause[] {
    return doc.statements.flatMap((s) => s.conditions);
}

/**
 * What the document is attached to. `identity` forbids Principal; `resource` and `trust` require
 * Principal or NotPrincipal (as IAM, S3, KMS, SNS and SQS do); `any` checks neither.
 */
export type DocumentKind = "identity" | "resource" | "trust" | "any";

const TOP_KEYS = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS = new Set([
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
]);
const PRINCIPAL_KEYS = new Map([
    ["AWS", "aws"],
    ["Service", "service"],
    ["Federated", "federated"],
    ["CanonicalUser", "canonicalUser"],
] as const);

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "an array";
    return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

/**
 * A string or a list of strings. An empty list is kept (it names nothing, so `NotAction: []`
 * means every action): reading it literally is the conservative choice.
 */
function stringList(v: unknown, path: string): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) {
        return v.map((item, i) => {
            if (typeof item !== "string") {
                throw new PolicyInputError(
                    `${path}[${i}]`,
                    `must be a string, got ${typeName(item)}`,
                );
            }
            return item;
        });
    }
    throw new PolicyInputError(path, `must be a string or a list of strings, got ${typeName(v)}`);
}

function parsePrincipal(v: unknown, path: string): PrincipalElement {
    if (v === "*") return { star: true, aws: [], service: [], federated: [], canonicalUser: [] };
    if (typeof v === "string") {
        throw new PolicyInputError(
            path,
            `a string principal must be "*"; write {"AWS": "${v}"} to name an AWS principal`,
        );
    }
    if (!isPlainObject(v))
        throw new PolicyInputError(path, `must be "*" or an object, got ${typeName(v)}`);
    const el: Record<string, string[]> = { aws: [], service: [], federated: [], canonicalUser: [] };
    const keys = Object.keys(v);
    if (keys.length === 0) throw new PolicyInputError(path, "names no principal");
    for (const k of keys) {
        const field = PRINCIPAL_KEYS.get(k as "AWS");
        if (!field) {
            throw new PolicyInputError(
                `${path}.${k}`,
                `unknown principal type (expected AWS, Service, Federated or CanonicalUser)`,
            );
        }
        el[field] = stringList(v[k], `${path}.${k}`);
    }
    return {
        star: false,
        aws: el.aws,
        service: el.service,
        federated: el.federated,
        canonicalUser: el.canonicalUser,
    };
}

function conditionValues(v: unknown, path: string): string[] {
    const one = (x: unknown, p: string): string => {
        if (typeof x === "string") return x;
        if (typeof x === "boolean") return x ? "true" : "false";
        if (typeof x === "number" && Number.isFinite(x)) return String(x);
        throw new PolicyInputError(
            p,
            `condition values must be strings, numbers or booleans, got ${typeName(x)}`,
        );
    };
    if (Array.isArray(v)) return v.map((x, i) => one(x, `${path}[${i}]`));
    return [one(v, path)];
}

function parseCondition(v: unknown, path: string): ConditionClause[] {
    if (!isPlainObject(v))
        throw new PolicyInputError(path, `must be an object, got ${typeName(v)}`);
    const clauses: ConditionClause[] = [];
    for (const op of Object.keys(v)) {
        const block = v[op];
        const opPath = `${path}.${op}`;
        if (!isPlainObject(block))
            throw new PolicyInputError(
                opPath,
                `must map condition keys to values, got ${typeName(block)}`,
            );
        parseOperator(op, opPath);
        for (const key of Object.keys(block)) {
            if (key.trim() === "") throw new PolicyInputError(opPath, "has an empty condition key");
            clauses.push(
                makeClause(op, key, conditionValues(block[key], `${opPath}["${key}"]`), opPath),
            );
        }
    }
    return clauses;
}

function parseStatement(v: unknown, index: number, path: string, kind: DocumentKind): Statement {
    if (!isPlainObject(v))
        throw new PolicyInputError(path, `a statement must be an object, got ${typeName(v)}`);
    for (const k of Object.keys(v)) {
        if (!STATEMENT_KEYS.has(k))
            throw new PolicyInputError(
                `${path}.${k}`,
                "unknown statement element (names are case-sensitive)",
            );
    }
    const sid = v.Sid;
    if (sid !== undefined && typeof sid !== "string")
        throw new PolicyInputError(`${path}.Sid`, "must be a string");
    const where = sid ? `${path} (Sid "${sid}")` : path;
    const effect = v.Effect;
    if (effect !== "Allow" && effect !== "Deny") {
        throw new PolicyInputError(
            `${where}.Effect`,
            `must be "Allow" or "Deny", got ${JSON.stringify(effect) ?? "nothing"}`,
        );
    }
    const has = (k: string): boolean => v[k] !== undefined;
    if (has("Principal") && has("NotPrincipal"))
        throw new PolicyInputError(where, "has both Principal and NotPrincipal");
    if (has("Action") === has("NotAction"))
        throw new PolicyInputError(where, "needs exactly one of Action or NotAction");
    if (has("Resource") && has("NotResource"))
        throw new PolicyInputError(where, "has both Resource and NotResource");
    if (kind === "identity" && (has("Principal") || has("NotPrincipal"))) {
        throw new PolicyInputError(where, "an identity policy cannot name a Principal");
    }
    if ((kind === "resource" || kind === "trust") && !has("Principal") && !has("NotPrincipal")) {
        throw new PolicyInputError(where, "a resource or trust policy statement needs a Principal");
    }
    return {
        index,
        sid,
        effect,
        principal: has("Principal") ? parsePrincipal(v.Principal, `${where}.Principal`) : undefined,
        notPrincipal: has("NotPrincipal")
            ? parsePrincipal(v.NotPrincipal, `${where}.NotPrincipal`)
            : undefined,
        action: has("Action") ? stringList(v.Action, `${where}.Action`) : undefined,
        notAction: has("NotAction") ? stringList(v.NotAction, `${where}.NotAction`) : undefined,
        resource: has("Resource") ? stringList(v.Resource, `${where}.Resource`) : undefined,
        notResource: has("NotResource")
            ? stringList(v.NotResource, `${where}.NotResource`)
            : undefined,
        conditions: has("Condition") ? parseCondition(v.Condition, `${where}.Condition`) : [],
    };
}

function normalise(raw: unknown, kind: DocumentKind): PolicyDocument {
    if (!isPlainObject(raw))
        throw new PolicyInputError(
            "",
            `a policy document must be a JSON object, got ${typeName(raw)}`,
        );
    for (const k of Object.keys(raw)) {
        if (!TOP_KEYS.has(k))
            throw new PolicyInputError(
                k,
                "unknown top-level element (expected Version, Id, Statement)",
            );
    }
    const version = raw.Version;
    if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17") {
        throw new PolicyInputError(
            "Version",
            `must be "2012-10-17" or "2008-10-17", got ${JSON.stringify(version)}`,
        );
    }
    const id = raw.Id;
    if (id !== undefined && typeof id !== "string")
        throw new PolicyInputError("Id", "must be a string");
    const st = raw.Statement;
    if (st === undefined) throw new PolicyInputError("Statement", "is missing");
    const list = Array.isArray(st) ? st : [st];
    const statements = list.map((s, i) => parseStatement(s, i, `Statement[${i}]`, kind));
    return { version, id, statements, variables: version === "2012-10-17" };
}

const MAX_CACHE = 2000;
/**
 * Parsed documents by kind, then by text. Two levels, not one `${kind}\u0000${text}` key: every
 * policy of the pack parses the same document prop once per resource (up to six lookups per
 * document), and a concatenated key is a new string that V8 copies and hashes again on each
 * lookup, while the text itself is the same string every time and keeps its hash.
 */
const cache = new Map<DocumentKind, Map<string, PolicyDocument>>();
let cached = 0;

/**
 * The special-proxy protocol of @pulumi/policy's `unknownCheckingProxy` (proxy.ts, exported as
 * `getSpecialProxyTarget`): the props the engine (and runner.ts) hands to a policy are proxies
 * whose every property read is checked for unknown values and wraps its value in a new proxy.
 */
const PROXY_TARGET = "__getSpecialProxyTarget";
/**
 * The text of a proxied document object, by the object behind the proxy (each read of a prop
 * makes a new proxy; the object behind it stays the same). Serialising through the proxy walks
 * every field through its `get` trap, the dearest step of reading an object document; the text is
 * kept only once that walk succeeded, so an unknown value raises UnknownValueError on every read.
 */
const proxiedText = new WeakMap<object, string>();

/** Canonical text of a document input: the string itself, or the JSON of an object. */
export function documentText(input: unknown): string {
    if (typeof input === "string") return input;
    if (input === undefined || input === null)
        throw new PolicyInputError("", "no policy document given");
    if (typeof input !== "object")
        throw new PolicyInputError(
            "",
            `a policy document must be a JSON string or object, got ${typeName(input)}`,
        );
    const target = (input as Record<string, unknown>)[PROXY_TARGET];
    const known =
        typeof target === "object" && target !== null ? proxiedText.get(target) : undefined;
    if (known !== undefined) return known;
    let text: string;
    try {
        // Walks every field, so an unknown value anywhere raises UnknownValueError here.
        text = JSON.stringify(input);
    } catch (e) {
        if (e instanceof TypeError)
            throw new PolicyInputError("", `not serialisable as JSON (${e.message})`);
        throw e;
    }
    if (typeof target === "object" && target !== null) proxiedText.set(target, text);
    return text;
}

/**
 * Parses a policy document (JSON string or object). Results are cached by document text and
 * shared, so treat them as read-only.
 */
export function parsePolicyDocument(input: unknown, kind: DocumentKind = "any"): PolicyDocument {
    const text = documentText(input);
    let byText = cache.get(kind);
    if (!byText) cache.set(kind, (byText = new Map()));
    const hit = byText.get(text);
    if (hit) return hit;
    if (text.trim() === "") throw new PolicyInputError("", "the policy document is empty");
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (e) {
        throw new PolicyInputError("", `not valid JSON (${(e as Error).message})`);
    }
    const doc = normalise(raw, kind);
    // When full, start afresh: the pack reads each resource's documents together, so only the
    // documents of the resource at hand are worth keeping, and a full sweep is cheaper than
    // tracking age per entry.
    if (cached >= MAX_CACHE) {
        for (const m of cache.values()) {
            cached -= m.size;
            m.clear();
        }
    }
    byText.set(text, doc);
    cached++;
    return doc;
}

/** `Statement[1] (Sid "Humans")`: how messages point at a statement. */
export function statementLabel(s: Statement): string {
    return s.sid ? `Statement[${s.index}] (Sid "${s.sid}")` : `Statement[${s.index}]`;
}
