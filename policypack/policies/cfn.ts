/**
 * CloudFormation intrinsic functions in template bodies, resolved as far as the template says:
 * parameters take the value the StackSet passes, else their Default, else each of their
 * AllowedValues (one variant per value); pseudo-parameters take the value every stack instance
 * shares (the partition, the URL suffix) or a stand-in for the stack instance's own account and
 * region; Conditions are evaluated when their inputs are known, else both branches are checked.
 * What stays unknown (resource attributes, imports, parameters without a default) becomes an
 * unresolved marker, and policy documents are then judged on what is known: an unknown principal
 * entry stands for a principal of the stack's own account, an unknown action for no action. A
 * StackSet instance may supply `*` for either, so such statements are also reported as not checked
 * (policy-document-not-checked), as are templates with more than MAX_VARIANTS variants (the rest
 * are not resolved).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html
 */

import { isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { arn, iamRoleArn, PROBE_PARTITION } from "../iam/arn";

/** The stack instance's own account: unknown (a StackSet deploys to many), but its own. */
export const OWN_ACCOUNT = "000000000000";
const OWN_REGION = "us-east-1";
/** Every unresolved value starts with this. */
export const UNRESOLVED = "zq9-unresolved-";
/** At most this many variants (combinations of unknown conditions and allowed values). */
const MAX_VARIANTS = 16;

const PSEUDO: Readonly<Record<string, string>> = {
    "AWS::AccountId": OWN_ACCOUNT,
    "AWS::Partition": PROBE_PARTITION,
    "AWS::Region": OWN_REGION,
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": `${UNRESOLVED}StackName`,
    "AWS::StackId": arn(
        PROBE_PARTITION,
        "cloudformation",
        OWN_REGION,
        OWN_ACCOUNT,
        `stack/${UNRESOLVED}StackName/id`,
    ),
    "AWS::NotificationARNs": `${UNRESOLVED}NotificationARNs`,
};

/** Removed from the surrounding list or object (`Ref: AWS::NoValue`). */
const NO_VALUE = Symbol("AWS::NoValue");

type Json = unknown;
type Obj = Record<string, Json>;

interface Template {
    readonly Parameters?: Record<string, { Default?: Json; AllowedValues?: Json[]; Type?: string }>;
    readonly Conditions?: Record<string, Json>;
    readonly Mappings?: Record<string, Record<string, Record<string, Json>>>;
    readonly Resources?: Record<string, { Type?: string }>;
}

/** One way the unknowns of a template can fall: forced conditions and parameter values. */
interface Choice {
    readonly conditions: ReadonlyMap<string, boolean>;
    readonly params: ReadonlyMap<string, Json>;
}

const isObj = (v: Json): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const unresolved = (what: string): string => `${UNRESOLVED}${what.replace(/[^A-Za-z0-9.]/g, "")}`;
const isUnresolved = (v: Json): boolean => typeof v === "string" && v.includes(UNRESOLVED);

class Resolver {
    /** Conditions and parameters whose value is not known and that something depends on. */
    readonly unknownConditions = new Set<string>();
    readonly openParams = new Set<string>();

    constructor(
        private readonly t: Template,
        private readonly given: Readonly<Record<string, string>>,
        private readonly choice: Choice,
    ) {}

    param(name: string): Json {
        if (name in PSEUDO) return PSEUDO[name];
        const p = this.t.Parameters?.[name];
        if (p === undefined) {
            // A logical id: its physical id is only known once deployed.
            if (this.t.Resources && name in this.t.Resources) return unresolved(name);
            return unresolved(name);
        }
        let v: Json = this.given[name] ?? p.Default;
        if (v === undefined && this.choice.params.has(name)) v = this.choice.params.get(name);
        if (v === undefined && Array.isArray(p.AllowedValues) && p.AllowedValues.length) {
            this.openParams.add(name);
            v = p.AllowedValues[0];
        }
        if (v === undefined) return unresolved(name);
        const list = typeof p.Type === "string" && /List/.test(p.Type);
        return list && typeof v === "string" ? v.split(",").map((x) => x.trim()) : v;
    }

    condition(name: string): boolean | undefined {
        if (this.choice.conditions.has(name)) return this.choice.conditions.get(name);
        const c = this.t.Conditions?.[name];
        const v = c === undefined ? undefined : this.evalCondition(c);
        if (v === undefined) {
            this.unknownConditions.add(name);
            return true;
        }
        return v;
    }

    private evalCondition(c: Json): boolean | undefined {
        if (!isObj(c)) return typeof c === "boolean" ? c : undefined;
        const [fn, arg] = Object.entries(c)[0] ?? [];
        const args = Array.isArray(arg) ? arg : [arg];
        switch (fn) {
            case "Condition":
                return typeof arg === "string" ? this.condition(arg) : undefined;
            case "Fn::Equals": {
                const [a, b] = args.map((x) => this.value(x));
                if (isUnresolved(a) || isUnresolved(b)) return undefined;
                return JSON.stringify(a) === JSON.stringify(b);
            }
            case "Fn::Not": {
                const v = this.evalCondition(args[0]);
                return v === undefined ? undefined : !v;
            }
            case "Fn::And":
            case "Fn::Or": {
                const vs = args.map((x) => this.evalCondition(x));
                if (vs.some((v) => v === undefined)) return undefined;
                return fn === "Fn::And" ? vs.every(Boolean) : vs.some(Boolean);
            }
            default:
                return undefined;
        }
    }

    /** Resolves every intrinsic function in a value. */
    value(v: Json): Json | typeof NO_VALUE {
        if (Array.isArray(v)) return v.map((x) => this.value(x)).filter((x) => x !== NO_VALUE);
        if (!isObj(v)) return v;
        const entries = Object.entries(v);
        if (entries.length === 1) {
            const [fn, arg] = entries[0];
            const r = this.intrinsic(fn, arg);
            if (r !== NOT_INTRINSIC) return r;
        }
        const out: Obj = {};
        for (const [k, x] of entries) {
            const r = this.value(x);
            if (r !== NO_VALUE) out[k] = r;
        }
        return out;
    }

    private str(v: Json): string {
        const r = this.value(v);
        if (typeof r === "string") return r;
        if (typeof r === "number" || typeof r === "boolean") return String(r);
        return unresolved("value");
    }

    private intrinsic(fn: string, arg: Json): Json | typeof NO_VALUE | typeof NOT_INTRINSIC {
        const args = Array.isArray(arg) ? arg : [arg];
        switch (fn) {
            case "Ref":
                if (arg === "AWS::NoValue") return NO_VALUE;
                return typeof arg === "string" ? this.param(arg) : unresolved("Ref");
            case "Fn::GetAtt": {
                const [id, attr] = typeof arg === "string" ? arg.split(".") : args;
                return unresolved(`${String(id)}.${String(attr)}`);
            }
            case "Fn::ImportValue":
                return unresolved(`Import.${this.str(arg)}`);
            case "Fn::GetAZs":
                return [`${OWN_REGION}a`, `${OWN_REGION}b`];
            case "Fn::Base64":
                return this.str(arg);
            case "Fn::Join": {
                const [sep, parts] = args;
                const list = this.value(parts);
                if (!Array.isArray(list)) return unresolved("Join");
                return list.map((p) => (typeof p === "string" ? p : String(p))).join(String(sep));
            }
            case "Fn::Split": {
                const [sep, s] = args;
                const r = this.str(s);
                return isUnresolved(r) ? [r] : r.split(String(sep));
            }
            case "Fn::Select": {
                const [i, list] = args;
                const l = this.value(list);
                const n = Number(this.value(i));
                return Array.isArray(l) && Number.isInteger(n) && n >= 0 && n < l.length
                    ? l[n]
                    : unresolved("Select");
            }
            case "Fn::FindInMap": {
                const [m, k1, k2] = args.map((x) => this.str(x));
                const v = this.t.Mappings?.[m]?.[k1]?.[k2];
                return v === undefined ? unresolved(`Map.${m}`) : this.value(v);
            }
            case "Fn::If": {
                const [cond, yes, no] = args;
                const c = typeof cond === "string" ? this.condition(cond) : undefined;
                return this.value(c === false ? no : yes);
            }
            case "Fn::Sub": {
                const [text, vars] = typeof arg === "string" ? [arg, {}] : args;
                if (typeof text !== "string") return unresolved("Sub");
                const local = isObj(vars) ? vars : {};
                return text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
                    // ${!Literal} is written as ${Literal}; IAM policy variables use it.
                    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
                    if (name in local) return this.str(local[name]);
                    if (name.includes(".")) return unresolved(name);
                    if (name in PSEUDO || this.t.Parameters?.[name] || this.t.Resources?.[name]) {
                        const v = this.param(name);
                        return Array.isArray(v) ? v.join(",") : String(v);
                    }
                    // Not a template name (e.g. an IAM policy variable written without `!`): kept.
                    return whole;
                });
            }
            default:
                return NOT_INTRINSIC;
        }
    }
}

const NOT_INTRINSIC = Symbol("not an intrinsic function");

/**
 * Replaces unresolved values where a policy document would otherwise read them as something they
 * are not: in Principal/NotPrincipal AWS entries (a principal of the stack's own account) and in
 * Action/NotAction (no action).
 */
function settleDocuments(v: Json): Json {
    if (Array.isArray(v)) return v.map(settleDocuments);
    if (!isObj(v)) return v;
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = settleDocuments(x);
    if (!("Statement" in out)) return out;
    const statements = Array.isArray(out.Statement) ? out.Statement : [out.Statement];
    const settled = statements.map((s) => {
        if (!isObj(s)) return s;
        const st: Obj = { ...s };
        for (const el of ["Principal", "NotPrincipal"]) {
            const p = st[el];
            if (isObj(p) && "AWS" in p) {
                const fix = (a: Json) =>
                    isUnresolved(a)
                        ? iamRoleArn(PROBE_PARTITION, OWN_ACCOUNT, `${UNRESOLVED}principal`)
                        : a;
                st[el] = { ...p, AWS: Array.isArray(p.AWS) ? p.AWS.map(fix) : fix(p.AWS) };
            }
        }
        for (const el of ["Action", "NotAction"]) {
            const fix = (a: Json) => (isUnresolved(a) ? "zq9unresolved:UnresolvedAction" : a);
            if (Array.isArray(st[el])) st[el] = (st[el] as Json[]).map(fix);
            else if (st[el] !== undefined) st[el] = fix(st[el]);
        }
        return st;
    });
    out.Statement = Array.isArray(out.Statement) ? settled : settled[0];
    return out;
}

/**
 * The template's Resources with intrinsic functions resolved, once per variant of what is not
 * known (unknown conditions, parameters with AllowedValues and no value); `given` are the
 * parameter values the StackSet passes.
 */
export function resolveTemplate(
    template: Obj,
    given: Readonly<Record<string, string>> = {},
): Record<string, Json>[] {
    return resolveTemplateVariants(template, given).variants;
}

/** The variants of a template, and what in them the pack cannot check. */
export interface ResolvedTemplate {
    readonly variants: Record<string, Json>[];
    /**
     * More than MAX_VARIANTS ways the unknowns can fall: the variants past the cap are not checked.
     */
    readonly truncated: boolean;
    /**
     * Statements (resource logical id, where) whose Action/NotAction or Principal AWS entry the
     * template does not resolve: a StackSet instance may supply `*`, so they are not checked.
     */
    readonly unresolved: readonly string[];
}

/**
 * An unresolved principal that is not a resource of the template itself (`!GetAtt Role.Arn`,
 * `!Ref User`: created by the stack instance, so of its own account).
 */
function foreign(v: Json, own: ReadonlySet<string>): boolean {
    if (typeof v !== "string" || !isUnresolved(v)) return false;
    const m = new RegExp(`${UNRESOLVED}([A-Za-z0-9]+)(?:\\.[A-Za-z0-9.]*)?$`).exec(v);
    return !(m && own.has(m[1]));
}

/** Where a resource's policy documents have an unresolved Action or Principal AWS entry. */
function unresolvedStatements(
    id: string,
    v: Json,
    path: string,
    own: ReadonlySet<string>,
    out: Set<string>,
): void {
    if (Array.isArray(v)) {
        v.forEach((x, i) => unresolvedStatements(id, x, `${path}[${i}]`, own, out));
        return;
    }
    if (!isObj(v)) return;
    if ("Statement" in v) {
        const statements = Array.isArray(v.Statement) ? v.Statement : [v.Statement];
        statements.forEach((st, i) => {
            if (!isObj(st)) return;
            const what: string[] = [];
            for (const el of ["Action", "NotAction"])
                if ([st[el]].flat().some(isUnresolved)) what.push(el);
            for (const el of ["Principal", "NotPrincipal"]) {
                const pr = st[el];
                if (isObj(pr) && "AWS" in pr && [pr.AWS].flat().some((a) => foreign(a, own)))
                    what.push(`${el} AWS`);
            }
            if (what.length)
                out.add(`resource ${id} ${path}Statement[${i}] (${what.join(", ")} not resolved)`);
        });
    }
    for (const [k, x] of Object.entries(v))
        if (k !== "Statement") unresolvedStatements(id, x, `${path}${k}.`, own, out);
}

/** As resolveTemplate, and says what the variants leave unchecked. */
export function resolveTemplateVariants(
    template: Obj,
    given: Readonly<Record<string, string>> = {},
): ResolvedTemplate {
    const t = template as Template;
    const unresolvedAt = new Set<string>();
    const own = new Set(
        Object.keys(t.Resources ?? {}).map((id) => id.replace(/[^A-Za-z0-9]/g, "")),
    );
    const variants: Record<string, Json>[] = [];
    const seen = new Set<string>();
    const queue: Choice[] = [{ conditions: new Map(), params: new Map() }];
    for (
        let steps = 0;
        queue.length && variants.length < MAX_VARIANTS && steps < 4 * MAX_VARIANTS;
        steps++
    ) {
        const choice = queue.shift()!;
        const r = new Resolver(t, given, choice);
        const raw = r.value(template.Resources ?? {});
        if (isObj(raw))
            for (const [id, res] of Object.entries(raw))
                unresolvedStatements(id, res, "", own, unresolvedAt);
        const resolved = settleDocuments(raw) as Record<string, Json>;
        // A resource whose Condition is false is not created.
        for (const [id, res] of Object.entries(resolved)) {
            const c = isObj(res) ? res.Condition : undefined;
            if (typeof c === "string" && r.condition(c) === false) delete resolved[id];
        }
        const key = JSON.stringify(resolved);
        if (!seen.has(key)) {
            seen.add(key);
            variants.push(resolved);
        }
        // Branch on the first open choice this variant met.
        const cond = [...r.unknownConditions].find((c) => !choice.conditions.has(c));
        if (cond) {
            queue.push({ ...choice, conditions: new Map([...choice.conditions, [cond, false]]) });
            queue.push({ ...choice, conditions: new Map([...choice.conditions, [cond, true]]) });
            continue;
        }
        const param = [...r.openParams].find((p) => !choice.params.has(p));
        if (param) {
            for (const v of t.Parameters?.[param]?.AllowedValues ?? [])
                queue.push({ ...choice, params: new Map([...choice.params, [param, v]]) });
        }
    }
    // Choices still queued when the cap stopped the loop were never resolved.
    return { variants, truncated: queue.length > 0, unresolved: [...unresolvedAt] };
}

/**
 * CloudFormation's YAML short forms (`!Ref X`, `!Sub "..."`, `!GetAtt R.Arn`...) and the
 * full-form function each stands for.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */
const SHORT_FORMS: Readonly<Record<string, string>> = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    "!Base64": "Fn::Base64",
    "!Cidr": "Fn::Cidr",
    "!FindInMap": "Fn::FindInMap",
    "!GetAtt": "Fn::GetAtt",
    "!GetAZs": "Fn::GetAZs",
    "!ImportValue": "Fn::ImportValue",
    "!Join": "Fn::Join",
    "!Select": "Fn::Select",
    "!Split": "Fn::Split",
    "!Sub": "Fn::Sub",
    "!Transform": "Fn::Transform",
    "!And": "Fn::And",
    "!Equals": "Fn::Equals",
    "!If": "Fn::If",
    "!Not": "Fn::Not",
    "!Or": "Fn::Or",
};

/** Thrown for YAML that does not parse; the message says where. */
export class YamlTemplateError extends Error {}

/**
 * Reads a YAML template body, short forms included, into the same shape as a JSON template. The
 * yaml library keeps an unknown tag on its node (with a warning), so the short forms are mapped
 * while walking the parsed nodes.
 */
export function parseYamlTemplate(text: string): unknown {
    const doc = parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length) throw new YamlTemplateError(doc.errors[0].message.split("\n")[0]);
    const walk = (node: unknown): unknown => {
        if (isAlias(node)) return walk(node.resolve(doc));
        let v: unknown;
        if (isMap(node)) {
            const out: Record<string, unknown> = {};
            for (const pair of node.items) {
                const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
                out[key] = walk(pair.value);
            }
            v = out;
        } else if (isSeq(node)) v = node.items.map(walk);
        else if (isScalar(node)) v = node.value;
        else v = null;
        const tag = (node as { tag?: string } | null)?.tag;
        const fn = tag ? SHORT_FORMS[tag] : undefined;
        if (!fn) return v;
        // `!GetAtt Resource.Attribute` is the short form of ["Resource", "Attribute"].
        if (fn === "Fn::GetAtt" && typeof v === "string") {
            const dot = v.indexOf(".");
            v = dot < 0 ? [v] : [v.slice(0, dot), v.slice(dot + 1)];
        }
        return { [fn]: v };
    };
    return walk(doc.contents);
}
