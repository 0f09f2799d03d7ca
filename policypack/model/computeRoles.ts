/**
 * The compute resources of a stack that run code as an IAM role (functions, instances through
 * their instance profile, build projects, stacks, notebooks, dev endpoints, job and task
 * definitions, App Runner services, schedules), with the actions that run new code on them. Which
 * types, where their role is and which actions count is data: policypack/iam/data/run-as-role.json,
 * the one list the per-document single-action escalations (iam/privileges.ts) read too. The
 * whole-principal analysis (policypack/iam/principal.ts) turns "a principal may run code on a
 * resource whose role is admin-equivalent" into an admin edge.
 *
 * The role is read only when asked for (`role()`): in a preview it is often unknown (the ARN of a
 * role created in the same stack), and reading it then makes the engine report that the policy
 * cannot run during preview, which it should only do for a stack where someone may run code there.
 */
import { RUN_AS_ROLE_TYPES, runAsRoleArn, RunAsRoleType } from "../iam/privileges";
import { ModelResource, str } from "./resources";

export interface ComputeType extends Omit<RunAsRoleType, "actions"> {
    /** The actions that run new code on the resource (the keys of the data's `actions`). */
    readonly actions: readonly string[];
    /** Per action, the other actions on the resource its method takes (the data's `with`). */
    readonly needs: Readonly<Record<string, readonly string[]>>;
}

/** The reviewed compute types, by Pulumi type token (iam/data/run-as-role.json). */
export const COMPUTE_TYPES: Readonly<Record<string, ComputeType>> = Object.fromEntries(
    Object.entries(RUN_AS_ROLE_TYPES).map(([token, t]) => [
        token,
        {
            ...t,
            actions: Object.keys(t.actions),
            needs: Object.fromEntries(Object.entries(t.actions).map(([a, e]) => [a, e.with ?? []])),
        },
    ]),
);

export interface StackCompute {
    readonly resource: ModelResource;
    readonly type: ComputeType;
    /** Its ARN in `region` (the plan does not say which region a resource lands in). */
    arn(region: string, partition: string): string;
    /** Its role as written (an ARN or a name), through its instance profile where it has one. */
    role(): string | undefined;
}

/** Reads a dotted property path; a segment holding a JSON string (Batch's containerProperties) is parsed. */
function readPath(props: Readonly<Record<string, unknown>>, path: string): unknown {
    let v: unknown = props;
    for (const key of path.split(".")) {
        if (typeof v === "string") {
            try {
                v = JSON.parse(v) as unknown;
            } catch {
                return undefined;
            }
        }
        if (Array.isArray(v)) v = v[0];
        if (v === null || typeof v !== "object") return undefined;
        v = (v as Record<string, unknown>)[key];
    }
    return v;
}

/** A revision suffix (`family:3`) names the family's resource. */
const REVISION = /:\d+$/;

/** Every compute resource of the stack whose type the table lists. */
export function stackCompute(resources: readonly ModelResource[]): StackCompute[] {
    const types = new Set(Object.keys(COMPUTE_TYPES));
    if (!resources.some((r) => types.has(r.type))) return [];
    // Resources the role is reached through (instance profiles, task definitions), by physical
    // name, ARN and Pulumi name, per account: read once.
    const viaTypes = new Map<string, ComputeType>();
    for (const t of Object.values(COMPUTE_TYPES)) if (t.via) viaTypes.set(t.via, t);
    const vias = new Map<string, ModelResource>();
    for (const r of resources) {
        const t = viaTypes.get(r.type);
        if (!t) continue;
        vias.set(
            `${r.type}|${r.accountId}/${str(readPath(r.props, t.viaName ?? "name")) ?? r.name}`,
            r,
        );
        vias.set(`${r.type}|${r.accountId}/${r.name}`, r);
        const arn = str(r.props.arn);
        if (arn) vias.set(`${r.type}|${arn.replace(REVISION, "")}`, r);
    }
    const out: StackCompute[] = [];
    for (const r of resources) {
        const type = COMPUTE_TYPES[r.type];
        if (!type) continue;
        out.push({
            resource: r,
            type,
            arn: (region, partition) =>
                runAsRoleArn(type, {
                    partition,
                    region,
                    account: r.accountId ?? "111111111111",
                    name: str(readPath(r.props, type.name)) ?? r.name,
                    id: r.id ?? "i-zq9",
                }),
            role: () => {
                if (type.requires && !readPath(r.props, type.requires)) return undefined;
                const ref = str(readPath(r.props, type.role));
                if (!ref || !type.via) return ref;
                const bare = ref.replace(REVISION, "");
                const via =
                    vias.get(`${type.via}|${bare}`) ??
                    vias.get(`${type.via}|${r.accountId}/${bare.split("/").pop()}`);
                return via && str(readPath(via.props, type.viaRole ?? "role"));
            },
        });
    }
    return out;
}
