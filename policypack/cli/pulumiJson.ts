/**
 * What the Pulumi CLI writes, read for policy:check: `pulumi stack export` (and a state file) and
 * `pulumi preview --json`. A resource's state there is apitype.ResourceV3 (pulumi/pulumi
 * sdk/go/common/apitype/core.go); its properties are serialized by pkg/resource/stack.
 */
import { PlannedResource } from "../runner";
import {
    CheckTarget,
    isObject,
    nameFromUrn,
    Obj,
    Problems,
    typeProblem,
    UNKNOWN_STRING,
    unknownKeys,
    URN,
} from "./inputCommon";

const EXPORT_KEYS = ["version", "deployment"];
const STATE_KEYS = ["version", "checkpoint"];
/** display.PreviewDigest (pulumi/pulumi pkg/display/json.go). */
const PREVIEW_KEYS = [
    "config",
    "steps",
    "diagnostics",
    "duration",
    "changeSummary",
    "maybeCorrupt",
];

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Decodes secrets of a stack export: plaintext when exported with --show-secrets, else unknown. */
function decodeSecrets(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(decodeSecrets);
    if (!isObject(v)) return v;
    if (v[SECRET_SIG] === SECRET_VALUE) {
        if (typeof v.plaintext === "string") {
            try {
                return decodeSecrets(JSON.parse(v.plaintext));
            } catch (e) {
                if (e instanceof SyntaxError) return v.plaintext;
                throw e;
            }
        }
        return UNKNOWN_STRING;
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeSecrets(x)]));
}

/**
 * `pulumi preview --json` writes every secret as the string "[secret]" (pulumi/pulumi
 * pkg/backend/display/json.go, massagePropertyValue): its value is unknown to the check.
 */
function blindSecrets(v: unknown): unknown {
    if (v === "[secret]") return UNKNOWN_STRING;
    if (Array.isArray(v)) return v.map(blindSecrets);
    if (!isObject(v)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blindSecrets(x)]));
}

/** A resource state (apitype.ResourceV3) as the engine serializes it, checked for what we read. */
interface State {
    readonly urn: string;
    readonly type: string;
    readonly custom: boolean;
    readonly inputs: Obj;
    readonly outputs?: Obj;
    readonly parent?: string;
    readonly provider?: string;
}

/**
 * Reads one state. Its other fields (id, protect, dependencies, aliases, created, ...) are not
 * refused: they describe the resource's lifecycle, not its configuration, and apitype only ever
 * adds optional fields ("DO make anything new be optional", apitype/core.go). A resource marked
 * `delete` (the old copy of a create-before-delete replacement) and a read (`external`) one still
 * exist in the account, so they are checked like the others.
 */
function state(raw: unknown, where: string, problems: Problems): State | undefined {
    if (!isObject(raw)) {
        problems.add(where, "must be a resource state object {urn, type, inputs, outputs, ...}");
        return undefined;
    }
    const urn = typeof raw.urn === "string" && URN.test(raw.urn) ? raw.urn : undefined;
    const at = urn ? `${where} ("${nameFromUrn(urn)}", ${urn})` : where;
    if (!urn)
        problems.add(
            at,
            'needs "urn", a Pulumi URN "urn:pulumi:<stack>::<project>::<type>::<name>"',
        );
    typeProblem(raw.type, at, problems);
    for (const k of ["inputs", "outputs"])
        if (raw[k] !== undefined && !isObject(raw[k]))
            problems.add(at, `"${k}" must be an object of properties`);
    for (const k of ["parent", "provider"])
        if (raw[k] !== undefined && typeof raw[k] !== "string")
            problems.add(at, `"${k}" must be a string`);
    if (!urn || typeof raw.type !== "string") return undefined;
    return {
        urn,
        type: raw.type,
        custom: raw.custom === true,
        inputs: isObject(raw.inputs) ? raw.inputs : {},
        ...(isObject(raw.outputs) && Object.keys(raw.outputs).length > 0
            ? { outputs: raw.outputs }
            : {}),
        ...(typeof raw.parent === "string" && raw.parent !== "" ? { parent: raw.parent } : {}),
        ...(typeof raw.provider === "string" && raw.provider !== ""
            ? { provider: raw.provider }
            : {}),
    };
}

/**
 * The resources of a list of states, with their properties taken from `pick`; providers are
 * resolved from their reference "<urn>::<id>". The stack resource itself is no cloud resource.
 */
function resourcesOf(states: readonly State[], pick: (s: State) => Obj): PlannedResource[] {
    const byUrn = new Map(states.map((s) => [s.urn, s]));
    return states
        .filter((s) => s.type !== "pulumi:pulumi:Stack")
        .map((s) => {
            const res: PlannedResource = {
                type: s.type,
                name: nameFromUrn(s.urn),
                urn: s.urn,
                props: pick(s),
            };
            if (s.parent) res.parent = s.parent;
            if (s.provider) {
                const urn = s.provider.slice(0, s.provider.lastIndexOf("::"));
                const p = byUrn.get(urn);
                res.provider = {
                    type: p?.type ?? urn.split("::")[2] ?? "",
                    name: nameFromUrn(urn),
                    urn,
                    props: p ? pick(p) : {},
                };
            }
            return res;
        });
}

/** `pulumi stack export` (apitype.UntypedDeployment) or a state file (apitype.VersionedCheckpoint). */
export function stackExport(o: Obj, problems: Problems): CheckTarget {
    const isState = "checkpoint" in o;
    unknownKeys(o, isState ? STATE_KEYS : EXPORT_KEYS, "INPUT", problems);
    // DeploymentSchemaVersionCurrent is 3 (pulumi/pulumi sdk/go/common/apitype/core.go); the CLI
    // itself refuses newer ones.
    if (o.version !== 3)
        problems.add(
            "version",
            `is ${JSON.stringify(o.version)}; policy:check reads deployments of version 3 (export the stack with Pulumi CLI v3)`,
        );
    const deployment = isState
        ? isObject(o.checkpoint)
            ? o.checkpoint.latest
            : undefined
        : o.deployment;
    const where = isState ? "checkpoint.latest" : "deployment";
    if (!isObject(deployment)) {
        problems.add(where, "must be an object with the stack's resources");
        return { resources: [], count: 0 };
    }
    const pending = deployment.pending_operations;
    if (Array.isArray(pending) && pending.length > 0)
        problems.add(
            `${where}.pending_operations`,
            `${pending.length} interrupted operation(s) (${pending
                .map((p) =>
                    isObject(p) && isObject(p.resource)
                        ? `${String(p.type)} ${String(p.resource.urn)}`
                        : "?",
                )
                .join(
                    ", ",
                )}): their resources may exist but are not in the export (resolve them with \`pulumi refresh\`, then export again)`,
        );
    const list = deployment.resources ?? [];
    if (!Array.isArray(list)) {
        problems.add(`${where}.resources`, "must be an array");
        return { resources: [], count: 0 };
    }
    const states = list
        .map((r, i) => state(r, `${where}.resources[${i}]`, problems))
        .filter((s): s is State => s !== undefined);
    const inputs = resourcesOf(states, (s) => decodeSecrets(s.inputs) as Obj);
    // What is deployed: a custom resource's outputs, as last read from the cloud. A component's
    // outputs are what it registered, not state; a resource without outputs has only its inputs.
    const outputs = resourcesOf(
        states,
        (s) => decodeSecrets(s.custom && s.outputs ? s.outputs : s.inputs) as Obj,
    );
    return { resources: inputs, outputs, count: inputs.length };
}

/** Steps whose resource is gone after the update (pulumi/pulumi pkg/resource/deploy/step.go). */
const GONE_OPS = [
    "delete",
    "delete-replaced",
    "discard",
    "discard-replaced",
    "remove-pending-replace",
];
const KEPT_OPS = [
    "same",
    "create",
    "update",
    "replace",
    "create-replacement",
    "read",
    "read-replacement",
    "refresh",
    "import",
    "import-replacement",
];

/** `pulumi preview --json` (display.PreviewDigest): the resources after the update, as planned. */
export function preview(o: Obj, problems: Problems): CheckTarget {
    unknownKeys(o, PREVIEW_KEYS, "INPUT", problems);
    const steps = Array.isArray(o.steps) ? o.steps : [];
    if (o.steps !== undefined && !Array.isArray(o.steps)) problems.add("steps", "must be an array");
    // Unchanged resources are listed only with --show-sames (display.shouldShow), and stack
    // policies need every resource of the stack.
    const summary = o.changeSummary;
    const sames = steps.filter((s) => isObject(s) && s.op === "same").length;
    if (!isObject(summary))
        problems.add(
            "changeSummary",
            "is missing: the preview cannot be told complete (run `pulumi preview --json --show-sames` to the end)",
        );
    else if (typeof summary.same === "number" && summary.same > sames)
        problems.add(
            "steps",
            `list ${sames} of the ${summary.same} unchanged resources (run \`pulumi preview --json --show-sames\`)`,
        );
    if (o.maybeCorrupt === true)
        problems.add(
            "maybeCorrupt",
            "the preview says some resources may be corrupt (fix the stack's state, then preview again)",
        );
    for (const [i, d] of (Array.isArray(o.diagnostics) ? o.diagnostics : []).entries())
        if (isObject(d) && d.severity === "error")
            problems.add(
                `diagnostics[${i}]`,
                `the preview failed (${String(d.message).trim().split("\n")[0]}), so it may not list every resource (fix the error, then preview again)`,
            );
    const states: State[] = [];
    const seen = new Set<string>();
    steps.forEach((raw, i) => {
        const where = `steps[${i}]`;
        if (!isObject(raw) || typeof raw.op !== "string") {
            problems.add(where, 'must be a step {"op", "urn", "newState", ...}');
            return;
        }
        if (GONE_OPS.includes(raw.op)) return;
        const at = `${where} (${String(raw.urn)})`;
        if (!KEPT_OPS.includes(raw.op)) {
            problems.add(at, `has the op "${raw.op}", which policy:check does not know`);
            return;
        }
        if (raw.newState === undefined) {
            problems.add(at, `"${raw.op}" has no newState, so what it plans cannot be read`);
            return;
        }
        const s = state(raw.newState, `${where}.newState`, problems);
        // With --show-replacement-steps a replacement is listed twice (replace, create-replacement).
        if (s && !seen.has(s.urn)) {
            seen.add(s.urn);
            states.push(s);
        }
    });
    // A preview's outputs are last deployment's or unknown: what will be is the inputs.
    const resources = resourcesOf(states, (s) => blindSecrets(s.inputs) as Obj);
    return { resources, count: resources.length };
}
