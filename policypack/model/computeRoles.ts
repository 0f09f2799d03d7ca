/**
 * The compute resources of a stack that run code as an IAM role (functions, instances through
 * their instance profile, build projects, stacks, notebooks, dev endpoints, job and task
 * definitions, App Runner services, schedules), with the actions that run new code on them. Which
 * types, where their role is and which actions count is data: ./data/compute-roles.json. The
 * whole-principal analysis (policypack/iam/principal.ts) turns "a principal may run code on a
 * resource whose role is admin-equivalent" into an admin edge.
 *
 * The role is read only when asked for (`role()`): in a preview it is often unknown (the ARN of a
 * role created in the same stack), and reading it then makes the engine report that the policy
 * cannot run during preview, which it should only do for a stack where someone may run code there.
 */
import table from "./data/compute-roles.json";
import { ModelResource, str } from "./resources";

export interface ComputeType {
    readonly role: string;
    readonly via?: string;
    readonly viaRole?: string;
    readonly name: string;
    readonly arn: string;
    readonly actions: readonly string[];
    readonly passRole: boolean;
    readonly why: string;
}

/** The reviewed compute types, by Pulumi type token. */
export const COMPUTE_TYPES: Readonly<Record<string, ComputeType>> = table.types;

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

/** Every compute resource of the stack whose type the table lists. */
export function stackCompute(resources: readonly ModelResource[]): StackCompute[] {
    const types = new Set(Object.keys(COMPUTE_TYPES));
    if (!resources.some((r) => types.has(r.type))) return [];
    // Instance profiles by physical name and Pulumi name, per account: read once.
    const profiles = new Map<string, ModelResource>();
    for (const r of resources)
        if (r.type === "aws:iam/instanceProfile:InstanceProfile") {
            profiles.set(`${r.accountId}/${str(r.props.name) ?? r.name}`, r);
            const arn = str(r.props.arn);
            if (arn) profiles.set(arn, r);
        }
    const out: StackCompute[] = [];
    for (const r of resources) {
        const type = COMPUTE_TYPES[r.type];
        if (!type) continue;
        out.push({
            resource: r,
            type,
            arn: (region, partition) =>
                type.arn
                    .replace("{partition}", partition)
                    .replace("{region}", region)
                    .replace("{account}", r.accountId ?? "111111111111")
                    .replace("{name}", str(readPath(r.props, type.name)) ?? r.name)
                    .replace("{id}", r.id ?? "i-zq9"),
            role: () => {
                const ref = str(readPath(r.props, type.role));
                if (!ref || !type.via) return ref;
                const profile =
                    profiles.get(ref) ?? profiles.get(`${r.accountId}/${ref.split("/").pop()}`);
                return profile && str(readPath(profile.props, type.viaRole ?? "role"));
            },
        });
    }
    return out;
}
