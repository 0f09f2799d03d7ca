/**
 * What policy:check reads: the documents a user feeds it, turned into the resources the pack runs
 * over, or refused with every problem at once. Nothing it does not read is counted as "no
 * violations": an unknown key, a type token no policy could match, a resource without type or
 * name, a preview that does not list every resource all make the whole input exit 2.
 *
 *   {"resources": [{"type", "name", "props", ...}]}      the simple format
 *   {"stack", "resources": [...], ...}, {"stacks": [...]} `npm start -- --json` (one or both stacks)
 *   {"version": 3, "deployment": {...}}                  `pulumi stack export` (a state file's
 *                                                         {"version": 3, "checkpoint": {"latest"}} too)
 *   {"steps": [...], "changeSummary": {...}, ...}        `pulumi preview --json --show-sames`
 */
import { PlannedResource } from "../runner";
import {
    CheckInput,
    isObject,
    nameFromUrn,
    Obj,
    Problems,
    typeProblem,
    unknownKeys,
    URN,
} from "./inputCommon";
import { preview, stackExport } from "./pulumiJson";

export type { CheckInput, CheckTarget, Format } from "./inputCommon";
export { UNKNOWN_STRING } from "./inputCommon";

const listed = (o: Obj): number => (Array.isArray(o.resources) ? o.resources.length : 0);

const FORMATS =
    'expected {"resources": [...]}, the output of `npx org-access plan --json`, `pulumi stack export` or `pulumi preview --json --show-sames`';

/**
 * Keys a top-level document may have, per format. The plan's extra keys are its own report: its
 * evidence, proofs and verdicts, its engine model, its per-account summary, its --against diff and
 * what the pack config's suppressions did.
 */
const PLAN_KEYS = [
    "stack",
    "resources",
    "accounts",
    "evidence",
    "proofs",
    "violations",
    "warnings",
    "engine",
    "diff",
    "suppressions",
];
/**
 * Keys a resource of the simple format or the plan may have; accountId, accountName and options
 * are the plan's.
 */
const RESOURCE_KEYS = [
    "type",
    "name",
    "props",
    "urn",
    "parent",
    "provider",
    "accountId",
    "accountName",
    "options",
];
const PROVIDER_KEYS = ["type", "name", "props", "urn"];
/** A resource of the simple format or of the plan's JSON. */
function plannedResource(raw: unknown, where: string, problems: Problems): PlannedResource {
    if (!isObject(raw)) {
        problems.add(where, "must be an object with type, name and props");
        return { type: "", name: "", props: {} };
    }
    const name = typeof raw.name === "string" && raw.name !== "" ? raw.name : undefined;
    const at = name ? `${where} ("${name}")` : where;
    if (!name) problems.add(at, 'needs "name", a non-empty string');
    typeProblem(raw.type, at, problems);
    unknownKeys(raw, RESOURCE_KEYS, at, problems);
    if (raw.props !== undefined && !isObject(raw.props))
        problems.add(at, '"props" must be an object of the resource\'s input properties');
    for (const k of ["urn", "parent", "accountId"])
        if (raw[k] !== undefined && typeof raw[k] !== "string")
            problems.add(at, `"${k}" must be a string`);
    if (
        raw.accountName !== undefined &&
        raw.accountName !== null &&
        typeof raw.accountName !== "string"
    )
        problems.add(at, '"accountName" must be a string or null');
    if (raw.options !== undefined && !isObject(raw.options))
        problems.add(at, '"options" must be an object');
    const p = raw.provider;
    if (p !== undefined && typeof p !== "string") {
        if (!isObject(p) || typeof p.name !== "string" || p.name === "")
            problems.add(
                at,
                '"provider" must be a provider\'s URN or an object with type, name and props',
            );
        else {
            typeProblem(p.type, `${at}.provider`, problems);
            unknownKeys(p, PROVIDER_KEYS, `${at}.provider`, problems);
            if (p.props !== undefined && !isObject(p.props))
                problems.add(`${at}.provider`, '"props" must be an object');
        }
    }
    return raw as unknown as PlannedResource;
}

function plannedResources(list: unknown, where: string, problems: Problems): PlannedResource[] {
    if (!Array.isArray(list)) {
        problems.add(where, "must be an array of resources {type, name, props}");
        return [];
    }
    return linked(
        list.map((r, i) => plannedResource(r, `${where}[${i}]`, problems)),
        where,
        problems,
    );
}

/** The type of the resource a URN names: the last of its qualified type "parent$child". */
const typeFromUrn = (urn: string): string => urn.split("::")[2]?.split("$").pop() ?? "";

/**
 * Resolves what the plan's JSON gives by URN: a provider (one of the listed resources) and a
 * parent. The plan lists no components (they deploy nothing), so a parent that is not listed
 * stands in as the component its URN names, as the plan's own model links it (plan/run.ts).
 */
function linked(
    resources: PlannedResource[],
    where: string,
    problems: Problems,
): PlannedResource[] {
    const byUrn = new Map(resources.filter((r) => r.urn).map((r) => [r.urn!, r]));
    const parents = new Map<string, PlannedResource>();
    const out = resources.map((r, i) => {
        const provider = r.provider as unknown;
        if (typeof provider !== "string") return r;
        const p = byUrn.get(provider);
        if (!p) {
            problems.add(
                `${where}[${i}] ("${r.name}")`,
                `its provider ${provider} is not among the resources (list the provider too)`,
            );
            return r;
        }
        return {
            ...r,
            provider: { type: p.type, name: p.name, urn: provider, props: p.props ?? {} },
        };
    });
    for (const r of out) {
        if (!r.parent || byUrn.has(r.parent) || parents.has(r.parent)) continue;
        if (!URN.test(r.parent)) continue;
        parents.set(r.parent, {
            type: typeFromUrn(r.parent),
            name: nameFromUrn(r.parent),
            urn: r.parent,
            props: {},
        });
    }
    return [...out, ...parents.values()];
}

/** The plan's JSON of one stack (`npm start -- --stack S --json`) or the simple format. */
function plan(doc: Obj, where: string, problems: Problems): PlannedResource[] {
    unknownKeys(doc, PLAN_KEYS, where || "INPUT", problems);
    if (doc.stack !== undefined && typeof doc.stack !== "string")
        problems.add(`${where}stack`, "must be a string");
    return plannedResources(doc.resources, `${where}resources`, problems);
}

/** Reads a parsed INPUT document; throws CheckInputError listing every problem. */
export function readInput(doc: unknown): CheckInput {
    const problems = new Problems();
    if (!isObject(doc)) {
        problems.add("INPUT", `must be a JSON object: ${FORMATS}`);
        problems.throwIfAny();
    }
    const o = doc as Obj;
    let input: CheckInput;
    if ("resources" in o) {
        const resources = plan(o, "", problems);
        input = {
            format: Object.keys(o).length > 1 ? "plan" : "resources",
            // The plan of one stack names it: check --sarif finds its stack file with it.
            targets: [
                {
                    ...(typeof o.stack === "string" ? { stack: o.stack } : {}),
                    resources,
                    count: listed(o),
                },
            ],
        };
    } else if ("stacks" in o) {
        unknownKeys(o, ["stacks"], "INPUT", problems);
        const stacks = Array.isArray(o.stacks) ? o.stacks : [];
        if (!Array.isArray(o.stacks)) problems.add("stacks", "must be an array of planned stacks");
        input = {
            format: "plan",
            targets: stacks.map((s: unknown, i) => {
                const where = `stacks[${i}]`;
                if (!isObject(s)) {
                    problems.add(where, 'must be a planned stack {"stack", "resources", ...}');
                    return { resources: [], count: 0 };
                }
                const resources = plan(s, `${where}.`, problems);
                const stack = typeof s.stack === "string" ? s.stack : where;
                return { stack, resources, count: listed(s) };
            }),
        };
    } else if ("deployment" in o || "checkpoint" in o) {
        input = { format: "stack export", targets: [stackExport(o, problems)] };
    } else if ("steps" in o || "changeSummary" in o) {
        input = { format: "preview", targets: [preview(o, problems)] };
    } else {
        problems.add(
            "INPUT",
            `has neither "resources", "stacks", "deployment" nor "steps": ${FORMATS}`,
        );
        input = { format: "resources", targets: [] };
    }
    problems.throwIfAny();
    return input;
}
