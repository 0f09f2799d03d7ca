// A stand-in for the Pulumi engine, small enough to read in one sitting, that starts the two
// runners the real CLI starts (both are npm code in @pulumi/pulumi) and talks to them over their
// real gRPC protocols, with the stubs @pulumi/pulumi ships in `proto/`:
//
// - the policy pack: `node @pulumi/pulumi/cmd/run-policy-pack <engine> .` in the pack folder,
//   which serves the Analyzer service on the port it prints first on stdout;
// - the program: `node @pulumi/pulumi/cmd/run --monitor … --engine … .` in the project folder,
//   which calls the ResourceMonitor and Engine services this file serves.
//
// Every contract below was read in the sources, cited where it is used:
//   pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go   (how the engine starts a pack)
//   pulumi/pulumi pkg/resource/analyzer/config.go                     (--policy-pack-config reconcile)
//   pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs/main.go       (how the host starts a program)
//   pulumi/pulumi pkg/resource/deploy/{source_eval,builtins}.go       (URNs, StackReference reads)
//   node_modules/@pulumi/policy/server.js                             (what the pack serves)
//   node_modules/@pulumi/pulumi/cmd/run/{index,run}.js, runtime/settings.js (what the program asks)
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as analyzerrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as enginepb from "@pulumi/pulumi/proto/engine_pb";
import * as enginerpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as pluginpb from "@pulumi/pulumi/proto/plugin_pb";
import * as resourcepb from "@pulumi/pulumi/proto/resource_pb";
import * as resourcerpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import type * as structpbTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptypbTypes from "google-protobuf/google/protobuf/empty_pb";
import { validateValue } from "../../policypack/config";

/** Where @pulumi/pulumi lives; its dependencies (grpc-js, the stubs) are resolved from there. */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

// @grpc/grpc-js is a dependency of @pulumi/pulumi, not of this project: take the very copy the
// stubs use (their `*_grpc_pb.js` require it), so servers and clients agree on one implementation.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const grpc: typeof grpcTypes = require(
    require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] }),
);

// The same for google-protobuf: the Struct and Empty messages must be the stubs' own.
const fromPulumi = (id: string) => require.resolve(id, { paths: [PULUMI_DIR] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const structpb: typeof structpbTypes = require(
    fromPulumi("google-protobuf/google/protobuf/struct_pb"),
);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const emptypb: typeof emptypbTypes = require(
    fromPulumi("google-protobuf/google/protobuf/empty_pb"),
);
type Struct = structpbTypes.Struct;

export const RUN_POLICY_PACK = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
export const RUN_PROGRAM = require.resolve("@pulumi/pulumi/cmd/run");

// The SDK's wire markers (sdk/nodejs/runtime/rpc.ts; sdk/go/common/resource/sig).
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

// ---------------------------------------------------------------------------------------------
// Child processes: every one is tracked, so a failed test can never leave one behind.
// ---------------------------------------------------------------------------------------------

const live = new Set<Child>();
const servers = new Set<grpcTypes.Server>();

/** Kills every child still running and stops every server (the specs' `after` hooks call it). */
export function killAll(): void {
    for (const c of live) c.kill();
    for (const s of servers) s.forceShutdown();
    servers.clear();
}

export class Child {
    readonly proc: ChildProcess;
    /** Every complete line written to stdout, in order. */
    readonly stdoutLines: string[] = [];
    stderr = "";
    readonly exited: Promise<number | null>;
    private partial = "";
    private waiters: (() => void)[] = [];

    constructor(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
        // process.execPath: the node that runs the tests (npm's, from a fresh clone), never a global one.
        this.proc = spawn(process.execPath, args, {
            cwd: options.cwd,
            env: options.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        live.add(this);
        this.proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
            const parts = (this.partial + d).split("\n");
            this.partial = parts.pop() ?? "";
            this.stdoutLines.push(...parts);
            this.wake();
        });
        this.proc.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
        this.exited = new Promise((resolve) =>
            this.proc.on("close", (code) => {
                live.delete(this);
                if (this.partial) this.stdoutLines.push(this.partial);
                this.partial = "";
                this.wake();
                resolve(code);
            }),
        );
    }

    private wake(): void {
        for (const w of this.waiters.splice(0)) w();
    }

    /** Stdout line `i` (from 0) once written; rejects if the process ends before writing it. */
    async line(i: number): Promise<string> {
        for (;;) {
            if (this.stdoutLines.length > i) return this.stdoutLines[i];
            if (!live.has(this))
                throw new Error(
                    `exited with ${this.proc.exitCode} before any output:\n${this.stderr}`,
                );
            await new Promise<void>((r) => this.waiters.push(r));
        }
    }

    kill(): void {
        if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
    }
}

/**
 * Settles a promise now, so that work started together (runners, runs) cannot leave an unhandled
 * rejection while a test awaits another: the returned function gives its value or throws its error.
 */
export function settled<T>(p: Promise<T>): () => Promise<T> {
    const done = p.then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
    );
    return async () => {
        const r = await done;
        if (!r.ok) throw r.e;
        return r.v;
    };
}

function unary<Res>(client: any, method: string, req: unknown): Promise<Res> {
    return new Promise((resolve, reject) =>
        client[method](req, (err: grpcTypes.ServiceError | null, res: Res) =>
            err ? reject(err) : resolve(res),
        ),
    );
}

function stop(server: grpcTypes.Server): void {
    servers.delete(server);
    server.forceShutdown();
}

function listen(server: grpcTypes.Server): Promise<string> {
    servers.add(server);
    return new Promise((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
            err ? reject(err) : resolve(`127.0.0.1:${port}`),
        ),
    );
}

// ---------------------------------------------------------------------------------------------
// The Engine service (both runners get its address): Log, Get/SetRootResource.
// ---------------------------------------------------------------------------------------------

export interface LogEntry {
    readonly severity: string;
    readonly message: string;
    readonly urn: string;
}

const SEVERITY = ["debug", "info", "warning", "error"];

class EngineService {
    readonly logs: LogEntry[] = [];
    rootUrn = "";
    readonly impl = {
        log: (call: any, cb: any) => {
            const r = call.request as enginepb.LogRequest;
            this.logs.push({
                severity: SEVERITY[r.getSeverity()] ?? String(r.getSeverity()),
                message: r.getMessage(),
                urn: r.getUrn(),
            });
            cb(null, new emptypb.Empty());
        },
        getRootResource: (_call: any, cb: any) => {
            const res = new enginepb.GetRootResourceResponse();
            res.setUrn(this.rootUrn);
            cb(null, res);
        },
        setRootResource: (call: any, cb: any) => {
            this.rootUrn = (call.request as enginepb.SetRootResourceRequest).getUrn();
            cb(null, new enginepb.SetRootResourceResponse());
        },
    };
}

// ---------------------------------------------------------------------------------------------
// The policy pack
// ---------------------------------------------------------------------------------------------

export interface PackOptions {
    /** Stack config as the engine passes it: `{"<namespace>:<key>": "<value>"}`. */
    readonly config?: Record<string, string>;
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    readonly dryRun: boolean;
}

export interface Pack {
    readonly client: analyzerrpc.AnalyzerClient;
    readonly child: Child;
    readonly engine: EngineService;
    /** Rejects if the pack wrote anything to stdout besides its port. */
    assertQuietStdout(): void;
    close(): Promise<void>;
}

/**
 * Starts a Node.js pack the way the engine does (analyzer_plugin.go NewPolicyAnalyzer): working
 * directory = the pack folder, args `<engineAddress> .` (plus `-k=v` per runtime option of
 * PulumiPolicy.yaml; this pack has none), the environment of `constructEnv(opts, "nodejs")`.
 * The engine runs the `pulumi-analyzer-policy` script (pulumi/pulumi sdk/nodejs/dist), which
 * resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack folder and runs it with node and
 * the same arguments; we run that module directly.
 * newPlugin (plugin.go) reads the first stdout line as the port; so do we, and we insist it is a
 * port and nothing else, and that nothing else is ever printed there.
 */
export async function startPack(dir: string, options: PackOptions): Promise<Pack> {
    const engine = new EngineService();
    const server = new grpc.Server();
    server.addService(enginerpc.EngineService, engine.impl);
    const engineAddress = await listen(server);
    const env: NodeJS.ProcessEnv = { ...process.env };
    // constructEnv sets a variable only when its value is not empty.
    const set = (k: string, v: string) => {
        if (v !== "") env[k] = v;
    };
    const config = options.config ?? {};
    if (Object.keys(config).length > 0) set("PULUMI_CONFIG", JSON.stringify(config));
    for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
        set(`${prefix}ORGANIZATION`, options.organization);
        set(`${prefix}PROJECT`, options.project);
        set(`${prefix}STACK`, options.stack);
        set(`${prefix}DRY_RUN`, String(options.dryRun));
    }
    const child = new Child([RUN_POLICY_PACK, engineAddress, "."], { cwd: dir, env });
    try {
        const first = await child.line(0);
        if (!/^\d+$/.test(first))
            throw new Error(
                `the pack's first stdout line must be its port, got ${JSON.stringify(first)}`,
            );
        const client = new analyzerrpc.AnalyzerClient(
            `127.0.0.1:${first}`,
            grpc.credentials.createInsecure(),
        );
        const pack: Pack = {
            client,
            child,
            engine,
            assertQuietStdout() {
                const extra = child.stdoutLines.slice(1).filter((l) => l !== "");
                if (extra.length > 0)
                    throw new Error(
                        `the pack printed to stdout besides its port: ${JSON.stringify(extra)}`,
                    );
            },
            async close() {
                client.close();
                child.kill();
                await child.exited;
                stop(server);
            },
        };
        await handshake(pack, dir, engineAddress, options);
        return pack;
    } catch (e) {
        child.kill();
        stop(server);
        throw e;
    }
}

/**
 * What NewPolicyAnalyzer does once the plugin is up: Handshake (UNIMPLEMENTED is fine: "we'll
 * fall back to existing behavior"), then ConfigureStack with the stack's identity and config.
 */
async function handshake(pack: Pack, dir: string, engineAddress: string, options: PackOptions) {
    const hs = new analyzerpb.AnalyzerHandshakeRequest();
    hs.setEngineAddress(engineAddress);
    hs.setRootDirectory(dir);
    hs.setProgramDirectory(dir);
    try {
        await unary(pack.client, "handshake", hs);
    } catch (e) {
        if ((e as grpcTypes.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw e;
    }
    const req = new analyzerpb.AnalyzerStackConfigureRequest();
    req.setStack(options.stack);
    req.setProject(options.project);
    req.setOrganization(options.organization);
    // The proto shipped with this SDK carries config as a string map (the version we run decides).
    const cfg = req.getConfigMap();
    for (const [k, v] of Object.entries(options.config ?? {})) cfg.set(k, v);
    req.setDryRun(options.dryRun);
    await unary(pack.client, "configureStack", req);
}

export const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
export type Level = (typeof LEVELS)[number];

export interface PolicyInfo {
    readonly name: string;
    readonly enforcementLevel: Level;
    readonly configSchema?: { properties: Record<string, any>; required: string[] };
}

export async function getAnalyzerInfo(
    pack: Pack,
): Promise<{ name: string; version: string; supportsConfig: boolean; policies: PolicyInfo[] }> {
    const info = await unary<analyzerpb.AnalyzerInfo>(
        pack.client,
        "getAnalyzerInfo",
        new emptypb.Empty(),
    );
    return {
        name: info.getName(),
        version: info.getVersion(),
        supportsConfig: info.getSupportsconfig(),
        policies: info.getPoliciesList().map((p) => {
            const schema = p.getConfigschema();
            return {
                name: p.getName(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()],
                ...(schema
                    ? {
                          configSchema: {
                              properties: schema.getProperties()?.toJavaScript() ?? {},
                              required: schema.getRequiredList(),
                          },
                      }
                    : {}),
            };
        }),
    };
}

export async function getPluginVersion(pack: Pack): Promise<string> {
    const info = await unary<pluginpb.PluginInfo>(
        pack.client,
        "getPluginInfo",
        new emptypb.Empty(),
    );
    return info.getVersion();
}

export interface PolicyConfig {
    readonly enforcementLevel: Level;
    readonly properties: Record<string, unknown>;
}

/**
 * `--policy-pack-config` as the CLI reads and reconciles it (pkg/resource/analyzer/config.go:
 * parsePolicyPackConfig, ReconcilePolicyPackConfig, validatePolicyPackConfig): defaults from
 * each policy's schema, then "all" (its enforcementLevel only), then each entry; every policy
 * with a schema is then validated as `{type: object, properties, required}`, the way gojsonschema
 * would (no `additionalProperties`, so an unknown setting, or an entry for a policy the pack does
 * not have, passes: the CLI forwards it). Returns the config, or the CLI's error lines.
 */
export function reconcilePackConfig(
    policies: readonly PolicyInfo[],
    file: Record<string, unknown>,
): { config: Map<string, PolicyConfig>; errors: string[] } {
    const errors: string[] = [];
    const given = new Map<string, { level?: Level; props?: Record<string, unknown> }>();
    const isLevel = (v: unknown): v is Level => (LEVELS as readonly unknown[]).includes(v);
    for (const [k, v] of Object.entries(file)) {
        if (typeof v === "string") {
            if (!isLevel(v))
                errors.push(`parsing enforcement level for "${k}": "${v}" is not valid`);
            else given.set(k, { level: v });
        } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
            const { enforcementLevel, ...props } = v as Record<string, unknown>;
            if (enforcementLevel !== undefined && !isLevel(enforcementLevel))
                errors.push(`parsing enforcement level for "${k}": not valid`);
            given.set(k, {
                ...(isLevel(enforcementLevel) ? { level: enforcementLevel } : {}),
                ...(Object.keys(props).length > 0 ? { props } : {}),
            });
        } else errors.push(`parsing "${k}": must be a string or object`);
    }
    const config = new Map<string, PolicyConfig>();
    for (const p of policies) {
        const defaults: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {}))
            if (s && typeof s === "object" && "default" in s) defaults[k] = s.default;
        config.set(p.name, { enforcementLevel: p.enforcementLevel, properties: defaults });
    }
    const all = given.get("all")?.level;
    if (all) for (const [k, v] of config) config.set(k, { ...v, enforcementLevel: all });
    for (const [name, g] of given) {
        const current = config.get(name) ?? { enforcementLevel: "" as Level, properties: {} };
        config.set(name, {
            enforcementLevel: g.level ?? current.enforcementLevel,
            properties: { ...current.properties, ...(g.props ?? {}) },
        });
    }
    for (const p of policies) {
        if (!p.configSchema) continue;
        const props = config.get(p.name)!.properties;
        for (const r of p.configSchema.required)
            if (props[r] === undefined) errors.push(`${p.name}: ${r} is required`);
        const found: string[] = [];
        validateValue(
            { type: "object", properties: p.configSchema.properties },
            props,
            p.name,
            found,
        );
        errors.push(...found);
    }
    return { config, errors };
}

/**
 * `--policy-pack-config <file>` as the CLI applies it: the file reconciled with what the pack
 * reports (GetAnalyzerInfo), then sent with Configure. Returns the CLI's error lines; when there
 * are any, the CLI refuses to run and nothing is sent.
 */
export async function configureFromFile(pack: Pack, file: string): Promise<string[]> {
    const { config, errors } = reconcilePackConfig(
        (await getAnalyzerInfo(pack)).policies,
        JSON.parse(fs.readFileSync(file, "utf8")),
    );
    if (errors.length === 0) await configure(pack, config);
    return errors;
}

/** Configure, as analyzer.Configure sends it: one PolicyConfig message per policy. */
export async function configure(pack: Pack, config: Map<string, PolicyConfig>): Promise<void> {
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of config) {
        const pc = new analyzerpb.PolicyConfig();
        // An entry for a policy the pack does not list keeps the empty level; the CLI sends it as is.
        pc.setEnforcementlevel(Math.max(0, LEVELS.indexOf(c.enforcementLevel)) as any);
        pc.setProperties(structpb.Struct.fromJavaScript(c.properties as any));
        map.set(name, pc);
    }
    await unary(pack.client, "configure", req);
}

/** A resource as the engine hands it to the pack; shaped like plan/run.ts PlannedResource. */
export interface AnalyzedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    /** Paths of secret inputs, in plan/mocks.ts `unwrapSecrets` form (`a.b[0]`). */
    readonly secretProps?: readonly string[];
    readonly parent?: string;
    readonly protect?: boolean;
    readonly provider?: {
        urn: string;
        type: string;
        name: string;
        props: Record<string, unknown>;
    };
}

/** Wraps the value at each secret path in the secret signature (MarshalOptions{KeepSecrets}). */
export function markSecrets(props: Record<string, unknown>, paths: readonly string[] = []) {
    const copy = JSON.parse(JSON.stringify(props)) as Record<string, unknown>;
    for (const p of paths) {
        const keys = p.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== "");
        let holder: any = copy;
        for (const k of keys.slice(0, -1)) holder = holder?.[k];
        const last = keys[keys.length - 1];
        if (holder && last in holder) holder[last] = { [SIG_KEY]: SECRET_SIG, value: holder[last] };
    }
    return copy;
}

function options(r: AnalyzedResource): analyzerpb.AnalyzerResourceOptions {
    // marshalResourceOptions: always sends custom timeouts, parent when set.
    const o = new analyzerpb.AnalyzerResourceOptions();
    o.setProtect(r.protect ?? false);
    o.setParent(r.parent ?? "");
    o.setCustomtimeouts(new analyzerpb.AnalyzerResourceOptions.CustomTimeouts());
    return o;
}

function provider(r: AnalyzedResource): analyzerpb.AnalyzerProviderResource | undefined {
    if (!r.provider) return undefined;
    const p = new analyzerpb.AnalyzerProviderResource();
    p.setUrn(r.provider.urn);
    p.setType(r.provider.type);
    p.setName(r.provider.name);
    p.setProperties(structpb.Struct.fromJavaScript(r.provider.props as any));
    return p;
}

export interface Diagnostic {
    readonly policy: string;
    readonly urn: string;
    readonly level: Level;
    readonly message: string;
}

function diagnostics(res: analyzerpb.AnalyzeResponse, urn = ""): Diagnostic[] {
    return res.getDiagnosticsList().map((d) => ({
        policy: d.getPolicyname(),
        urn: d.getUrn() || urn,
        level: LEVELS[d.getEnforcementlevel()],
        message: d.getMessage(),
    }));
}

/** Analyze of one resource (analyzer.Analyze); a diagnostic without a URN is the resource's. */
export async function analyze(pack: Pack, r: AnalyzedResource): Promise<Diagnostic[]> {
    const req = new analyzerpb.AnalyzeRequest();
    req.setUrn(r.urn);
    req.setType(r.type);
    req.setName(r.name);
    req.setProperties(structpb.Struct.fromJavaScript(markSecrets(r.props, r.secretProps) as any));
    req.setOptions(options(r));
    const p = provider(r);
    if (p) req.setProvider(p);
    return diagnostics(await unary(pack.client, "analyze", req), r.urn);
}

/** AnalyzeStack over every resource (analyzer.AnalyzeStack), parents linked by URN. */
export async function analyzeStack(
    pack: Pack,
    resources: readonly AnalyzedResource[],
): Promise<Diagnostic[]> {
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(
        resources.map((r) => {
            const a = new analyzerpb.AnalyzerResource();
            a.setUrn(r.urn);
            a.setType(r.type);
            a.setName(r.name);
            a.setProperties(
                structpb.Struct.fromJavaScript(markSecrets(r.props, r.secretProps) as any),
            );
            a.setOptions(options(r));
            a.setParent(r.parent ?? "");
            const p = provider(r);
            if (p) a.setProvider(p);
            return a;
        }),
    );
    return diagnostics(await unary(pack.client, "analyzeStack", req));
}

/** Every Analyze, then AnalyzeStack, as the engine calls them during an update or a preview. */
export async function analyzeAll(
    pack: Pack,
    resources: readonly AnalyzedResource[],
): Promise<Diagnostic[]> {
    const ds: Diagnostic[] = [];
    for (const r of resources) ds.push(...(await analyze(pack, r)));
    ds.push(...(await analyzeStack(pack, resources)));
    return ds;
}

// ---------------------------------------------------------------------------------------------
// The program
// ---------------------------------------------------------------------------------------------

/** The engine's URN rule (source_eval.go newURN): the parent's full qualified type, unless it is the root stack. */
export function engineUrn(
    stack: string,
    project: string,
    parent: string,
    type: string,
    name: string,
): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified =
        parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** A property value as the SDK sent it, with secrets and unknowns located. */
export interface Decoded {
    readonly value: Record<string, unknown>;
    /** Paths (plan/mocks.ts `unwrapSecrets` form) of secret values. */
    readonly secrets: string[];
    /** Paths of values unknown during a preview. */
    readonly unknowns: string[];
}

/** Reads the SDK's wire form: secrets, output values (with `secret`), unknowns, resource references. */
export function decode(struct: Struct | undefined): Decoded {
    const secrets: string[] = [];
    const unknowns: string[] = [];
    const walk = (v: unknown, at: string): unknown => {
        if (v === UNKNOWN) {
            unknowns.push(at);
            return UNKNOWN;
        }
        if (Array.isArray(v)) return v.map((x, i) => walk(x, `${at}[${i}]`));
        if (v !== null && typeof v === "object") {
            const o = v as Record<string, unknown>;
            if (o[SIG_KEY] === SECRET_SIG) {
                secrets.push(at);
                return walk(o.value, at);
            }
            if (o[SIG_KEY] === OUTPUT_SIG) {
                if (o.secret === true) secrets.push(at);
                if (!("value" in o)) {
                    unknowns.push(at);
                    return UNKNOWN;
                }
                return walk(o.value, at);
            }
            if (o[SIG_KEY] === RESOURCE_SIG) return { urn: o.urn, id: o.id };
            return Object.fromEntries(
                Object.entries(o).map(([k, x]) => [k, walk(x, at ? `${at}.${k}` : k)]),
            );
        }
        return v;
    };
    const value = walk(struct?.toJavaScript() ?? {}, "") as Record<string, unknown>;
    return { value, secrets, unknowns };
}

/** One RegisterResource or ReadResource call, as the monitor received it. */
export interface Registration {
    readonly kind: "register" | "read";
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly parent: string;
    /** `<provider urn>::<provider id>`, or "". */
    readonly provider: string;
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
    readonly ignoreChanges: string[];
    readonly aliases: unknown[];
    readonly additionalSecretOutputs: string[];
    readonly inputs: Decoded;
}

/** What answers the monitor: the offline plan's own mocks (plan/mocks.ts PlanMocks). */
export interface Answers {
    newResource(args: {
        type: string;
        name: string;
        inputs: Record<string, unknown>;
        provider?: string;
        custom?: boolean;
        id?: string;
    }): { id: string | undefined; state: Record<string, unknown> };
    call(args: { token: string; inputs: Record<string, unknown>; provider?: string }): unknown;
}

/**
 * Answers StackReference reads as the engine's builtin provider does (pkg/resource/deploy/
 * builtins.go readStackReference): `{name, outputs, secretOutputNames}`, where only the outputs
 * that hold a secret are named secret, and secret values stay secret. `stacks` holds each
 * referenced stack's outputs as its own run registered them. Other reads go to `base`.
 */
export function stackReferences(base: Answers, stacks: Record<string, Decoded>): Answers {
    return {
        call: (args) => base.call(args),
        newResource: (args) => {
            if (args.type !== "pulumi:pulumi:StackReference" || Object.keys(stacks).length === 0)
                return base.newResource(args);
            const name = String(args.inputs.name);
            const stack = stacks[name];
            if (!stack) throw new Error(`unknown stack ${name}`);
            const secretOutputNames = [
                ...new Set(stack.secrets.map((p) => p.split(/[.[]/)[0])),
            ].sort();
            return {
                id: name,
                state: {
                    name,
                    outputs: markSecrets(stack.value, stack.secrets),
                    secretOutputNames,
                },
            };
        },
    };
}

export interface ProgramOptions {
    /** The project folder: --root-directory and --pwd. */
    readonly root: string;
    readonly organization: string;
    readonly project: string;
    readonly stack: string;
    /** Config as in a RunRequest: `{"<namespace>:<key>": "<value>"}`. */
    readonly config: Record<string, string>;
    readonly secretKeys: readonly string[];
    readonly dryRun: boolean;
    readonly answers: Answers;
    /** Features the monitor reports (GetDeploymentInfo and SupportsFeature). Default: FEATURES. */
    readonly features?: readonly number[];
}

const F = resourcepb.ResourceMonitorFeature;

/**
 * What this monitor supports. Secrets is feature 0: a monitor that leaves it out (or a harness
 * that treats 0 as "no feature") makes the SDK send secret inputs as plain values, silently
 * (runtime/settings.js awaitFeatureSupport). Output values are on, as in the real engine, so
 * secret and unknown inputs arrive as output values; hooks, transforms and packages are off,
 * because this program uses none of them (the SDK then does not call their RPCs).
 */
export const FEATURES: readonly number[] = [
    F.RESOURCE_MONITOR_FEATURE_SECRETS,
    F.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    F.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    F.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    F.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
];

// The string ids an older SDK asks SupportsFeature about (runtime/settings.js legacyFeatureMapping).
const LEGACY: Record<string, number> = {
    secrets: F.RESOURCE_MONITOR_FEATURE_SECRETS,
    resourceReferences: F.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    outputValues: F.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
    deletedWith: F.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    aliasSpecs: F.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
};

export interface ProgramRun {
    readonly exitCode: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly logs: LogEntry[];
    readonly rootUrn: string;
    /** Every RegisterResource and ReadResource, in arrival order (the root stack included). */
    readonly registrations: Registration[];
    /** RegisterResourceOutputs by URN. */
    readonly outputs: Map<string, Decoded>;
    /** Feature ids the SDK asked about through SupportsFeature (empty when GetDeploymentInfo answered). */
    readonly probed: string[];
}

/** Serializes answers: plain JSON, `undefined` dropped (Struct cannot hold it). */
function toStruct(v: Record<string, unknown>): Struct {
    return structpb.Struct.fromJavaScript(JSON.parse(JSON.stringify(v)));
}

/**
 * Runs the program as pulumi-language-nodejs does (main.go execRuntime/constructArguments):
 * `node <run> --monitor A --engine A --organization O --project P --root-directory D --stack S
 * --pwd D [--dry-run] --parallel N .`, with PULUMI_CONFIG keys as `<namespace>:config:<key>`
 * (constructConfig), PULUMI_CONFIG_SECRET_KEYS as given (constructConfigSecretKeys) and
 * PULUMI_NODEJS_TYPESCRIPT=true (the `typescript` runtime option of Pulumi.yaml).
 */
export async function runProgram(o: ProgramOptions): Promise<ProgramRun> {
    const engine = new EngineService();
    const features = o.features ?? FEATURES;
    const registrations: Registration[] = [];
    const outputs = new Map<string, Decoded>();
    const probed: string[] = [];
    // A unary handler whose failure (the mocks refusing a resource or a call) goes back to the
    // program as a gRPC error, as a provider's does, instead of crashing this process.
    const handled =
        <Req, Res>(handle: (req: Req) => Res) =>
        (call: { request: Req }, cb: (err: unknown, res?: Res) => void) => {
            let res: Res;
            try {
                res = handle(call.request);
            } catch (e) {
                return cb({ code: grpc.status.UNKNOWN, details: (e as Error).message });
            }
            cb(null, res);
        };
    // What the provider answers for a custom resource: the plan's mocks, on the registered inputs.
    const answerFor = (reg: Registration, id?: string) =>
        o.answers.newResource({
            type: reg.type,
            name: reg.name,
            inputs: reg.inputs.value,
            provider: reg.provider || undefined,
            custom: true,
            ...(id === undefined ? {} : { id }),
        });
    const monitor = {
        getDeploymentInfo: (_call: any, cb: any) => {
            const res = new resourcepb.DeploymentInfo();
            res.setProject(o.project);
            res.setStack(o.stack);
            res.setOrganization(o.organization);
            res.setDryrun(o.dryRun);
            res.setSupportedfeaturesList([...features] as any);
            cb(null, res);
        },
        supportsFeature: (call: any, cb: any) => {
            const id = (call.request as resourcepb.SupportsFeatureRequest).getId();
            probed.push(id);
            const res = new resourcepb.SupportsFeatureResponse();
            res.setHassupport(features.includes(LEGACY[id] ?? -1));
            cb(null, res);
        },
        registerResource: handled((req: resourcepb.RegisterResourceRequest) => {
            const reg = record("register", req);
            registrations.push(reg);
            const res = new resourcepb.RegisterResourceResponse();
            res.setUrn(reg.urn);
            if (reg.custom && !o.dryRun) {
                const answer = answerFor(reg);
                res.setId(answer.id ?? "");
                res.setObject(toStruct(answer.state));
            } else if (reg.custom) {
                // A preview of a create: the provider echoes the inputs; the id and every
                // computed output stay unknown (the SDK makes an absent output unknown).
                res.setObject(req.getObject() ?? new structpb.Struct());
            } else res.setObject(new structpb.Struct());
            return res;
        }),
        readResource: handled((req: resourcepb.ReadResourceRequest) => {
            const reg = record("read", req);
            registrations.push(reg);
            // Reads run in previews too (a StackReference's outputs are known then).
            const answer = answerFor(reg, req.getId());
            const res = new resourcepb.ReadResourceResponse();
            res.setUrn(reg.urn);
            res.setProperties(toStruct(answer.state));
            return res;
        }),
        registerResourceOutputs: (call: any, cb: any) => {
            const req = call.request as resourcepb.RegisterResourceOutputsRequest;
            outputs.set(req.getUrn(), decode(req.getOutputs()));
            cb(null, new emptypb.Empty());
        },
        invoke: handled((req: resourcepb.ResourceInvokeRequest) => {
            const result = o.answers.call({
                token: req.getTok(),
                inputs: decode(req.getArgs()).value,
                provider: req.getProvider() || undefined,
            });
            const res = new resourcepb.ResourceInvokeResponse();
            res.setReturn(toStruct(result as Record<string, unknown>));
            return res;
        }),
        signalAndWaitForShutdown: (_call: any, cb: any) => cb(null, new emptypb.Empty()),
    };
    const record = (
        kind: "register" | "read",
        req: resourcepb.RegisterResourceRequest | resourcepb.ReadResourceRequest,
    ): Registration => {
        const reg = kind === "register" ? (req as resourcepb.RegisterResourceRequest) : undefined;
        const propertyDependencies: Record<string, string[]> = {};
        reg?.getPropertydependenciesMap().forEach((deps, key) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        return {
            kind,
            urn: engineUrn(o.stack, o.project, req.getParent(), req.getType(), req.getName()),
            type: req.getType(),
            name: req.getName(),
            custom: reg ? reg.getCustom() : true,
            parent: req.getParent(),
            provider: req.getProvider(),
            protect: reg?.getProtect() ?? false,
            retainOnDelete: reg?.getRetainondelete() ?? false,
            dependencies: reg ? reg.getDependenciesList() : req.getDependenciesList(),
            propertyDependencies,
            ignoreChanges: reg?.getIgnorechangesList() ?? [],
            aliases: reg?.getAliasesList().map((a) => a.toObject()) ?? [],
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            inputs: decode(
                reg ? reg.getObject() : (req as resourcepb.ReadResourceRequest).getProperties(),
            ),
        };
    };

    const server = new grpc.Server();
    server.addService(enginerpc.EngineService, engine.impl);
    server.addService(resourcerpc.ResourceMonitorService, monitor as any);
    const address = await listen(server);
    const config = Object.fromEntries(
        Object.entries(o.config).map(([k, v]) => {
            const i = k.indexOf(":");
            return [`${k.slice(0, i)}:config:${k.slice(i + 1)}`, v];
        }),
    );
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(o.secretKeys),
        PULUMI_NODEJS_TYPESCRIPT: "true",
        // A user setting the runner honours (cmd/run/run.js): skip ts-node's type check here;
        // `npm run typecheck` (and a test) check the same tsconfig with tsc.
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
    // Variables a test process may carry that would change what the program does.
    delete env.PULUMI_TEST_MODE;
    delete env.TS_NODE_TRANSPILE_ONLY;
    const args = [
        RUN_PROGRAM,
        ...["--monitor", address, "--engine", address],
        ...["--organization", o.organization, "--project", o.project],
        ...["--root-directory", o.root, "--stack", o.stack, "--pwd", o.root],
        ...(o.dryRun ? ["--dry-run"] : []),
        ...["--parallel", "16", "."],
    ];
    const child = new Child(args, { cwd: o.root, env });
    try {
        const exitCode = await child.exited;
        return {
            exitCode,
            stdout: child.stdoutLines.join("\n"),
            stderr: child.stderr,
            logs: engine.logs,
            rootUrn: engine.rootUrn,
            registrations,
            outputs,
            probed,
        };
    } finally {
        child.kill();
        stop(server);
    }
}

/**
 * A copy of the project's sources in a temporary folder (node_modules linked), with the given
 * stack files: the program finds its root (and the workload stack files the security stack
 * reads) from where its modules are, so a copy is the way to run it on fixture config.
 */
export function projectCopy(
    root: string,
    stackFiles: Record<string, string> = {},
): { dir: string; remove(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-runner-"));
    const skip = new Set(["node_modules", ".git", "dist", "test", "docs", ".scratch", ".tools"]);
    for (const entry of fs.readdirSync(root)) {
        if (skip.has(entry) || /^Pulumi\..+\.yaml$/.test(entry)) continue;
        fs.cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    for (const [name, text] of Object.entries(stackFiles))
        fs.writeFileSync(path.join(dir, name), text);
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * What the registrations of a run look like to a policy pack: the engine analyzes the goal
 * states it was sent, unknowns as the unknown sentinel and secrets kept (analyzer_plugin.go
 * MarshalProperties{KeepUnknowns, KeepSecrets}), each with its provider's inputs.
 */
export function analyzedFromRun(run: ProgramRun): AnalyzedResource[] {
    const byUrn = new Map(run.registrations.map((r) => [r.urn, r]));
    return run.registrations.map((r) => {
        const provider = r.provider
            ? byUrn.get(r.provider.split("::").slice(0, -1).join("::"))
            : undefined;
        return {
            urn: r.urn,
            type: r.type,
            name: r.name,
            props: r.inputs.value,
            secretProps: r.inputs.secrets,
            ...(r.parent ? { parent: r.parent } : {}),
            protect: r.protect,
            ...(provider
                ? {
                      provider: {
                          urn: provider.urn,
                          type: provider.type,
                          name: provider.name,
                          props: provider.inputs.value,
                      },
                  }
                : {}),
        };
    });
}
