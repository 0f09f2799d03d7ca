/**
 * Statement matching and request evaluation within one set of policy documents: an explicit Deny
 * wins over any Allow, an Allow wins over the implicit deny.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 *
 * This is deliberately the single evaluator of the project: the pack's analyses (search.ts) probe
 * documents by calling it with chosen request contexts, and the evidence simulator can call it
 * with real ones.
 */
import { arnLike } from "./arn";
import { evaluateConditions } from "./conditions";
import { buildContextMap, ContextMap, RequestContext, RequestPrincipal } from "./context";
import { PolicyDocument, Statement, statementLabel } from "./document";
import { principalElementMatches } from "./principals";
import { globMatch } from "./wildcard";

/** IAM action matching: case-insensitive, `*` and `?` wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
    return globMatch(pattern, action, true);
}

/**
 * Each statement's answers, per action asked: statements are immutable once parsed (document.ts),
 * and the proofs ask the same few actions of the same statements (an SCP's long Action list, a
 * trust policy's) for every caller and role of a plan, where matching them again was about a
 * third of a request's evaluation (docs/BENCHMARKS.md).
 */
const actionAnswers = new WeakMap<Statement, Map<string, boolean>>();

export function statementMatchesAction(s: Statement, action: string): boolean {
    let answers = actionAnswers.get(s);
    if (!answers) actionAnswers.set(s, (answers = new Map()));
    let answer = answers.get(action);
    if (answer === undefined) {
        answer = s.action
            ? s.action.some((p) => actionMatches(p, action))
            : s.notAction
              ? !s.notAction.some((p) => actionMatches(p, action))
              : false;
        answers.set(action, answer);
    }
    return answer;
}

export function statementMatchesPrincipal(s: Statement, p: RequestPrincipal | undefined): boolean {
    // No Principal element: an identity policy, which applies to the identity it is attached to.
    if (!s.principal && !s.notPrincipal) return true;
    if (!p) return false;
    if (s.principal) return principalElementMatches(s.principal, p);
    return !principalElementMatches(s.notPrincipal!, p);
}

function substituteResource(
    pattern: string,
    ctx: ContextMap,
    variables: boolean,
): string | undefined {
    if (!variables || !pattern.includes("${")) return pattern;
    let failed = false;
    const out = pattern.replace(/\$\{([^}]*)\}/g, (_m, inner: string) => {
        const t = inner.trim();
        if (t === "*" || t === "?" || t === "$") return t;
        const comma = t.indexOf(",");
        const v = ctx.get((comma >= 0 ? t.slice(0, comma) : t).trim().toLowerCase());
        if (typeof v === "string") return v;
        if (comma >= 0)
            return t
                .slice(comma + 1)
                .trim()
                .replace(/^'(.*)'$/, "$1");
        failed = true;
        return "";
    });
    return failed ? undefined : out;
}

export function resourceMatches(
    pattern: string,
    resource: string,
    ctx: ContextMap = new Map(),
    variables = true,
): boolean {
    const p = substituteResource(pattern, ctx, variables);
    if (p === undefined) return false;
    return arnLike(p, resource);
}

/** An absent resource (trust policies) matches any statement. */
export function statementMatchesResource(
    s: Statement,
    resource: string | undefined,
    ctx: ContextMap = new Map(),
    variables = true,
): boolean {
    if (resource === undefined) return true;
    if (s.resource) return s.resource.some((p) => resourceMatches(p, resource, ctx, variables));
    if (s.notResource)
        return !s.notResource.some((p) => resourceMatches(p, resource, ctx, variables));
    return true;
}

/** Does the statement apply to the request (principal, action, resource and conditions)? */
export function statementApplies(
    s: Statement,
    request: RequestContext,
    ctx: ContextMap,
    variables = true,
): boolean {
    return (
        statementMatchesAction(s, request.action) &&
        statementMatchesPrincipal(s, request.principal) &&
        statementMatchesResource(s, request.resource, ctx, variables) &&
        evaluateConditions(s.conditions, ctx, variables)
    );
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

export interface StatementRef {
    /** Index of the document in the list passed in. */
    readonly document: number;
    readonly statement: number;
    readonly sid?: string;
    readonly label: string;
}

export interface EvaluationResult {
    readonly decision: Decision;
    /** The statement that decided: the first matching Deny, else the first matching Allow. */
    readonly decidingStatement?: StatementRef;
    readonly matchedAllows: readonly StatementRef[];
    readonly matchedDenies: readonly StatementRef[];
}

/**
 * Evaluates one request against a set of documents that all apply to it (e.g. the identity
 * policies of a principal, or one resource policy).
 */
export function evaluateRequest(
    documents: PolicyDocument | readonly PolicyDocument[],
    request: RequestContext,
    /** buildContextMap(request), when the caller has it: authorize() asks every policy type with one. */
    ctx: ContextMap = buildContextMap(request),
): EvaluationResult {
    const docs = Array.isArray(documents) ? documents : [documents as PolicyDocument];
    const allows: StatementRef[] = [];
    const denies: StatementRef[] = [];
    docs.forEach((doc, d) => {
        for (const s of doc.statements) {
            if (!statementApplies(s, request, ctx, doc.variables)) continue;
            const ref = { document: d, statement: s.index, sid: s.sid, label: statementLabel(s) };
            (s.effect === "Deny" ? denies : allows).push(ref);
        }
    });
    if (denies.length)
        return {
            decision: "ExplicitDeny",
            decidingStatement: denies[0],
            matchedAllows: allows,
            matchedDenies: denies,
        };
    if (allows.length)
        return {
            decision: "Allow",
            decidingStatement: allows[0],
            matchedAllows: allows,
            matchedDenies: denies,
        };
    return { decision: "ImplicitDeny", matchedAllows: allows, matchedDenies: denies };
}
