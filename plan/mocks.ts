// Pulumi's mock runtime, made to answer like AWS would: physical names and ARNs in the account
// each resource's provider deploys into. The offline plan and the tests share it.
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";

/** One `registerResource` call, as the mock monitor saw it. */
export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** Inputs, with secrets unwrapped. */
    readonly inputs: Record<string, unknown>;
    /** Paths of inputs that were secret, e.g. `assumeRolePolicy`. */
    readonly secretInputs: readonly string[];
    /** `urn::id` of the provider, if one was named. */
    readonly providerRef?: string;
    readonly custom: boolean;
    readonly id?: string;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

/**
 * How the engine sends a value it cannot know yet to a policy pack: the SDK's `unknownValue`
 * (@pulumi/pulumi runtime/rpc.js), which @pulumi/policy reads as its `unknownStringValue` and turns
 * into an UnknownValueError when a policy reads it (proxy.js).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Removes the SDK's secret wrappers, remembering where they were. During a preview, a value that is
 * not known yet (the SDK's `unknown`) becomes the engine's sentinel, {@link UNKNOWN}.
 */
export function unwrapSecrets(value: unknown, path = "", found: string[] = []): unknown {
    if (pulumi.isUnknown(value)) return UNKNOWN;
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, `${path}[${i}]`, found));
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) {
            found.push(path);
            return unwrapSecrets(obj.value, path, found);
        }
        return Object.fromEntries(
            Object.entries(obj).map(([k, v]) => [
                k,
                unwrapSecrets(v, path ? `${path}.${k}` : k, found),
            ]),
        );
    }
    return value;
}

export interface PlanMocksOptions {
    readonly region: string;
    readonly partition: string;
    /** Outputs of other stacks, by stack name, for StackReferences. */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
    /**
     * Answer as a provider answers the first `pulumi preview` of an empty stack: nothing exists yet,
     * so a resource's state is its inputs, and its id and every computed output (ARNs, key ids,
     * unique ids) are unknown. A provider's own id is unknown too (the engine's provider registry
     * gives `UnknownID` in a preview: pulumi/pulumi pkg/resource/deploy/providers/registry.go,
     * `Create`). A StackReference still reads the outputs of a stack that exists.
     */
    readonly preview?: boolean;
}

export class PlanMocks implements pulumi.runtime.Mocks {
    public readonly resources: RecordedResource[] = [];
    private readonly accountByProvider = new Map<string, string>();

    constructor(private readonly options: PlanMocksOptions) {}

    /** The account a provider reference points at, from its pinned `allowedAccountIds`. */
    accountOf(providerRef: string | undefined): string | undefined {
        return providerRef ? this.accountByProvider.get(providerRef) : undefined;
    }

    newResource(args: pulumi.runtime.MockResourceArgs): {
        id: string | undefined;
        state: Record<string, unknown>;
    } {
        const secretInputs: string[] = [];
        const inputs = unwrapSecrets(args.inputs, "", secretInputs) as Record<string, unknown>;
        const account = this.accountOf(args.provider) ?? "000000000000";
        const { id, state } =
            this.options.preview && args.type !== "pulumi:pulumi:StackReference"
                ? // Left out of the state, an output resolves as unknown in a preview (rpc.js,
                  // resolveProperties); an empty id as an unknown id (resource.js).
                  { id: undefined, state: inputs }
                : this.answer(args.type, args.name, inputs, account);
        this.resources.push({
            type: args.type,
            name: args.name,
            // A permission set's attachments and assignments name it only by its computed ARN. A
            // stack policy sees a resource's outputs, which hold the ARN once the set exists; the
            // plan's resources carry inputs, so the ARN is recorded with them (the engine's
            // unknown in a preview, as a stack policy then sees it), and the pack and the model can
            // tie each attachment to its set.
            inputs:
                args.type === "aws:ssoadmin/permissionSet:PermissionSet"
                    ? { ...inputs, arn: typeof state.arn === "string" ? state.arn : UNKNOWN }
                    : inputs,
            secretInputs,
            providerRef: args.provider || undefined,
            custom: args.custom ?? true,
            id,
        });
        if (args.type === "pulumi:providers:aws") {
            const allowed = parseList(inputs.allowedAccountIds);
            // A provider reference is `<urn>::<id>`; the URN ends with `::<name>`.
            this.accountByProvider.set(
                providerRef(args.type, args.name, id),
                allowed.length === 1 ? allowed[0] : "",
            );
        }
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        throw new Error(
            `the offline plan does not answer provider function ${args.token}; org-access must not depend on it`,
        );
    }

    private answer(
        type: string,
        name: string,
        inputs: Record<string, unknown>,
        account: string,
    ): { id: string | undefined; state: Record<string, unknown> } {
        const p = this.options.partition;
        const region = this.options.region;
        const str = (k: string, d = name) =>
            typeof inputs[k] === "string" ? (inputs[k] as string) : d;
        const hash = createHash("sha256").update(`${account}/${type}/${name}`).digest("hex");
        switch (type) {
            case "pulumi:providers:aws":
                return { id: `${name}-provider`, state: inputs };
            case "pulumi:pulumi:StackReference": {
                const stack = str("name");
                const outputs = this.options.stackOutputs?.[stack];
                if (!outputs)
                    throw new Error(
                        `the offline plan has no outputs for stack reference "${stack}"`,
                    );
                return {
                    id: stack,
                    state: { name: stack, outputs, secretOutputNames: Object.keys(outputs) },
                };
            }
            case "aws:iam/role:Role":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:iam::${account}:role${str("path", "/")}${str("name")}`,
                        uniqueId: `AROA${hash.slice(0, 17).toUpperCase()}`,
                    },
                };
            case "aws:iam/user:User":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:iam::${account}:user${str("path", "/")}${str("name")}`,
                        uniqueId: `AIDA${hash.slice(0, 17).toUpperCase()}`,
                    },
                };
            case "aws:iam/group:Group":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:iam::${account}:group${str("path", "/")}${str("name")}`,
                    },
                };
            case "aws:iam/policy:Policy":
                return {
                    id: `arn:${p}:iam::${account}:policy${str("path", "/")}${str("name")}`,
                    state: {
                        ...inputs,
                        arn: `arn:${p}:iam::${account}:policy${str("path", "/")}${str("name")}`,
                    },
                };
            case "aws:s3/bucket:Bucket":
                return {
                    id: str("bucket"),
                    state: {
                        ...inputs,
                        bucket: str("bucket"),
                        arn: `arn:${p}:s3:::${str("bucket")}`,
                    },
                };
            case "aws:kms/key:Key": {
                const keyId = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
                return {
                    id: keyId,
                    state: {
                        ...inputs,
                        keyId,
                        arn: `arn:${p}:kms:${region}:${account}:key/${keyId}`,
                    },
                };
            }
            case "aws:cloudtrail/trail:Trail":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:cloudtrail:${region}:${account}:trail/${str("name")}`,
                    },
                };
            case "aws:cloudwatch/logGroup:LogGroup":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:logs:${region}:${account}:log-group:${str("name")}`,
                    },
                };
            case "aws:organizations/policy:Policy": {
                const id = `p-${hash.slice(0, 8)}`;
                return {
                    id,
                    state: {
                        ...inputs,
                        arn: `arn:${p}:organizations::${account}:policy/o-mock/service_control_policy/${id}`,
                    },
                };
            }
            case "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
                const host = str("url").replace(/^https:\/\//, "");
                return {
                    id: `arn:${p}:iam::${account}:oidc-provider/${host}`,
                    state: { ...inputs, arn: `arn:${p}:iam::${account}:oidc-provider/${host}` },
                };
            }
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                return {
                    id: str("name"),
                    state: {
                        ...inputs,
                        arn: `arn:${p}:cloudwatch:${region}:${account}:alarm:${str("name")}`,
                    },
                };
            case "aws:sns/topic:Topic":
                return {
                    id: `arn:${p}:sns:${region}:${account}:${str("name")}`,
                    state: { ...inputs, arn: `arn:${p}:sns:${region}:${account}:${str("name")}` },
                };
            case "aws:ssoadmin/permissionSet:PermissionSet": {
                // The ARN AWS gives a permission set, ps- and 16 characters under its instance's id,
                // https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_PermissionSet.html
                // The provider's id is `<permission set ARN>,<instance ARN>`.
                const instance = str(
                    "instanceArn",
                    "arn:aws:sso:::instance/ssoins-0000000000000000",
                );
                const arn = `arn:${p}:sso:::permissionSet/${instance.split("/").pop()}/ps-${hash.slice(0, 16)}`;
                return { id: `${arn},${instance}`, state: { ...inputs, arn } };
            }
            default:
                return { id: `${name}-id`, state: inputs };
        }
    }
}

/** Provider inputs of list type reach the monitor either as lists or as JSON strings. */
export function parseList(v: unknown): string[] {
    if (Array.isArray(v)) return v.map(String);
    if (typeof v === "string") {
        try {
            const parsed: unknown = JSON.parse(v);
            if (Array.isArray(parsed)) return parsed.map(String);
        } catch {
            return [v];
        }
    }
    return [];
}

/**
 * How a resource names its provider: `<urn>::<id>`, with the unknown sentinel for an id that is
 * not known (@pulumi/pulumi resource.js, `ProviderResource.register`).
 */
export function providerRef(type: string, name: string, id: string | undefined): string {
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}::${id ?? UNKNOWN}`;
}
