// The policy pack under Pulumi's real pack runner (@pulumi/pulumi/cmd/run-policy-pack), driven over
// the Analyzer gRPC protocol by the stand-in engine in ./engine.ts. What the pack reports must be
// what the project's own runner (policypack/runner.ts, used by `npm start` and `policy:check`)
// reports for the same resources.
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlannedResource as PlanResource, toPackResource } from "../../plan/run";
import { resolvePackConfig } from "../../policypack/config";
import {
    checkResources,
    loadPackConfig,
    PackConfigInput,
    PACK_NAME,
    POLICIES,
    PolicyConfigError,
    synthUrn,
} from "../../policypack/runner";
import { planSecurity, projectWith, securityValues, workloadValues } from "../helpers";
import {
    AnalyzedResource,
    analyze,
    analyzeAll,
    configure,
    configureFromFile,
    getAnalyzerInfo,
    getPluginVersion,
    killAll,
    Pack,
    reconcilePackConfig,
    settled,
    startPack,
} from "./engine";
import { fromPack, fromRunner, PACK_CONFIG, PACK_DIR, ROOT } from "./verdicts";

const STACK = { organization: "organization", project: "org-access", stack: "security" };

/** A planned resource as the engine hands it to the pack. */
function analyzed(r: PlanResource): AnalyzedResource {
    return {
        urn: r.urn,
        type: r.type,
        name: r.name,
        props: r.props,
        secretProps: r.secretProps,
        parent: r.options.parent,
        protect: r.options.protect,
        ...(r.provider ? { provider: r.provider } : {}),
    };
}

/** A throwaway pack in a temporary folder, resolving @pulumi/policy through the project's node_modules. */
function tinyPack(index: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-pack-"));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "package.json"), '{"name":"tiny","version":"0.0.1"}');
    fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    const tsconfig = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "tsconfig.json"), "utf8"));
    fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({ compilerOptions: tsconfig.compilerOptions, include: ["index.ts"] }),
    );
    fs.writeFileSync(path.join(dir, "index.ts"), index);
    return dir;
}

const TINY = (extra: string, validation = "") => `
import { PolicyPack } from "@pulumi/policy";
${extra}
new PolicyPack("tiny", {
    policies: [{
        name: "tiny-policy",
        description: "a policy",
        enforcementLevel: "mandatory",
        validateResource: (_args, _report) => { ${validation} },
    }],
});
`;

/** tsc over a tsconfig; rejects with tsc's output when it finds errors. */
function tsc(project: string): Promise<void> {
    const bin = require.resolve("typescript/bin/tsc");
    return new Promise((resolve, reject) =>
        execFile(process.execPath, [bin, "--noEmit", "-p", project], (err, stdout) =>
            err ? reject(new Error(`tsc -p ${project}:\n${stdout}`)) : resolve(),
        ),
    );
}

describe("the policy pack under Pulumi's pack runner (run-policy-pack over gRPC)", function () {
    let resources: AnalyzedResource[];
    let planned: PlanResource[];
    let pack: Pack;
    const dirs: string[] = [];
    // Work that needs no result of another is started at once: each is its own process.
    let typeCheck: () => Promise<void>;
    let typeError: () => Promise<Pack>;
    let printsFirst: () => Promise<Pack>;
    let printsLater: () => Promise<Pack>;

    before(async () => {
        const tiny = (index: string) => {
            const dir = tinyPack(index);
            dirs.push(dir);
            return settled(startPack(dir, { ...STACK, dryRun: false }));
        };
        typeCheck = settled(tsc(path.join(PACK_DIR, "tsconfig.json")));
        typeError = tiny(TINY(`const n: number = "not a number";\nvoid n;`));
        printsFirst = tiny(TINY(`console.log("hello from the pack");`));
        printsLater = tiny(TINY("", `console.log("checking");`));
        const plan = await planSecurity(
            securityValues(),
            projectWith({ workload: workloadValues() }),
        );
        planned = plan.resources;
        resources = planned.map(analyzed);
        pack = await startPack(PACK_DIR, {
            ...STACK,
            dryRun: false,
            config: { "aws:region": "us-east-1" },
        });
    });

    after(async () => {
        await pack?.close();
        killAll();
        for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    });

    it("lists every policy of the pack with its enforcement level and config schema", async () => {
        const info = await getAnalyzerInfo(pack);
        assert.strictEqual(info.name, PACK_NAME);
        const version = JSON.parse(fs.readFileSync(path.join(PACK_DIR, "package.json"), "utf8"));
        assert.strictEqual(info.version, version.version);
        assert.strictEqual(info.supportsConfig, true);
        assert.deepStrictEqual(
            info.policies.map((p) => [p.name, p.enforcementLevel, p.configSchema?.properties]),
            POLICIES.map((p) => [
                p.name,
                p.enforcementLevel ?? "advisory",
                // The schema travels as a protobuf Struct: JSON, no `undefined`.
                p.configSchema ? JSON.parse(JSON.stringify(p.configSchema.properties)) : undefined,
            ]),
        );
    });

    it("reports the @pulumi/policy version as its plugin version", async () => {
        // package.json says "v1.21.0"; server.js answers version.js's "1.21.0" (the engine parses
        // either with semver.ParseTolerant).
        const policy = JSON.parse(
            fs.readFileSync(require.resolve("@pulumi/policy/package.json"), "utf8"),
        ) as { version: string };
        assert.strictEqual(await getPluginVersion(pack), policy.version.replace(/^v/, ""));
    });

    it("reports, configured from policy-config.json, exactly what the project's runner reports", async () => {
        assert.deepStrictEqual(await configureFromFile(pack, PACK_CONFIG), []);
        const ds = await analyzeAll(pack, resources);
        const expected = checkResources(planned.map(toPackResource), loadPackConfig(PACK_CONFIG));
        assert.deepStrictEqual(fromPack(ds, resources), fromRunner(expected));
        pack.assertQuietStdout();
    });

    it("reports a wildcard trust as mandatory, as the project's runner does", async () => {
        const provider = planned.find(
            (r) => r.type === "aws:iam/role:Role" && r.provider,
        )!.provider!;
        const open: AnalyzedResource = {
            urn: synthUrn("aws:iam/role:Role", "open-role", "security"),
            type: "aws:iam/role:Role",
            name: "open-role",
            props: {
                name: "OpenRole",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
                }),
            },
            provider,
        };
        assert.deepStrictEqual(await configureFromFile(pack, PACK_CONFIG), []);
        const all = [...resources, open];
        const got = fromPack(await analyzeAll(pack, all), all);
        const expected = checkResources(
            [
                ...planned.map(toPackResource),
                { type: open.type, name: open.name, urn: open.urn, props: open.props, provider },
            ],
            loadPackConfig(PACK_CONFIG),
        );
        assert.deepStrictEqual(got, fromRunner(expected));
        const wildcard = got.filter((l) => l.startsWith("iam-no-wildcard-principal | open-role |"));
        assert.ok(wildcard.length > 0, got.join("\n"));
        assert.ok(
            wildcard.every((l) => l.includes("| mandatory |")),
            wildcard.join("\n"),
        );
    });

    it("honours suppressions in the pack config as the project's runner does: hidden while active, back once expired", async () => {
        const provider = planned.find(
            (r) => r.type === "aws:iam/role:Role" && r.provider,
        )!.provider!;
        const role = (name: string): AnalyzedResource => ({
            urn: synthUrn("aws:iam/role:Role", name, "security"),
            type: "aws:iam/role:Role",
            name,
            props: {
                name,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }],
                }),
            },
            provider,
        });
        const extra = [role("accepted-role"), role("expired-role"), role("open-role")];
        // The pack runs on the real clock: an expiry a month ahead, and one long past.
        const ahead = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
        const file = JSON.parse(fs.readFileSync(PACK_CONFIG, "utf8")) as Record<string, unknown>;
        const runnerResources = [
            ...planned.map(toPackResource),
            ...extra.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                props: r.props,
                provider,
            })),
        ];
        // A suppression lists the findings it accepts: the runner's ids of the wildcard findings.
        const findings = checkResources(runnerResources, file as PackConfigInput)
            .filter((v) => v.policy === "iam-no-wildcard-principal")
            .map((v) => v.finding!);
        const config = {
            ...file,
            "iam-no-wildcard-principal": {
                suppressions: [
                    {
                        resource: "aws:iam/role:Role::accepted-role",
                        findings,
                        reason: "TICKET-1",
                        expires: ahead,
                    },
                    {
                        resource: "aws:iam/role:Role::expired-role",
                        findings,
                        reason: "TICKET-2",
                        expires: "2020-01-31",
                    },
                ],
            },
        };
        const { policies } = await getAnalyzerInfo(pack);
        const reconciled = reconcilePackConfig(policies, config);
        assert.deepStrictEqual(reconciled.errors, []);
        await configure(pack, reconciled.config);
        const all = [...resources, ...extra];
        const got = fromPack(await analyzeAll(pack, all), all);
        const expected = checkResources(runnerResources, config as PackConfigInput);
        assert.deepStrictEqual(got, fromRunner(expected));
        const wildcard = (name: string) =>
            got.filter((l) => l.startsWith(`iam-no-wildcard-principal | ${name} |`));
        assert.deepStrictEqual(wildcard("accepted-role"), []);
        assert.ok(wildcard("open-role").length > 0, got.join("\n"));
        assert.ok(
            wildcard("expired-role").length > 0 &&
                wildcard("expired-role").every((l) =>
                    l.includes('(suppression expired on 2020-01-31: "TICKET-2"'),
                ),
            got.join("\n"),
        );
        // Other policies still report on the accepted role.
        assert.ok(got.some((l) => l.startsWith("iam-trust-requires-mfa | accepted-role |")));
    });

    it("reports resource control policies and permission set sessions as the project's runner does", async () => {
        const provider = planned.find(
            (r) => r.type === "aws:iam/role:Role" && r.provider,
        )!.provider!;
        const extra: AnalyzedResource[] = [
            {
                urn: synthUrn("aws:organizations/policy:Policy", "leaky-rcp", "security"),
                type: "aws:organizations/policy:Policy",
                name: "leaky-rcp",
                props: {
                    name: "leaky",
                    type: "RESOURCE_CONTROL_POLICY",
                    content: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Deny",
                                Principal: "*",
                                Action: ["s3:*", "ec2:*"],
                                Resource: "*",
                                Condition: {
                                    StringNotEqualsIfExists: {
                                        "aws:PrincipalOrgID": "o-a1b2c3d4e5",
                                    },
                                },
                            },
                        ],
                    }),
                },
                provider,
            },
            {
                urn: synthUrn("aws:organizations/policy:Policy", "allow-rcp", "security"),
                type: "aws:organizations/policy:Policy",
                name: "allow-rcp",
                props: {
                    name: "allow",
                    type: "RESOURCE_CONTROL_POLICY",
                    // A custom RCP may only Deny: refused by the RCP grammar.
                    content: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: "*",
                                Action: "s3:GetObject",
                                Resource: "*",
                            },
                        ],
                    }),
                },
                provider,
            },
            {
                urn: synthUrn("aws:ssoadmin/permissionSet:PermissionSet", "long-ps", "security"),
                type: "aws:ssoadmin/permissionSet:PermissionSet",
                name: "long-ps",
                props: {
                    name: "LongSessions",
                    instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
                    sessionDuration: "PT12H",
                },
                provider,
            },
        ];
        assert.deepStrictEqual(await configureFromFile(pack, PACK_CONFIG), []);
        const all = [...resources, ...extra];
        const got = fromPack(await analyzeAll(pack, all), all);
        const expected = checkResources(
            [
                ...planned.map(toPackResource),
                ...extra.map((r) => ({
                    type: r.type,
                    name: r.name,
                    urn: r.urn,
                    props: r.props,
                    provider,
                })),
            ],
            loadPackConfig(PACK_CONFIG),
        );
        assert.deepStrictEqual(got, fromRunner(expected));
        for (const prefix of [
            "rcp-perimeter-sound | leaky-rcp | mandatory |",
            "iam-policy-document-valid | allow-rcp | mandatory |",
            "iam-role-session-cap | long-ps | mandatory |",
        ])
            assert.ok(
                got.some((l) => l.startsWith(prefix)),
                `${prefix} missing:\n${got.join("\n")}`,
            );
        // The Deny and the unsupported service are two findings of the one statement.
        assert.strictEqual(
            got.filter((l) => l.startsWith("rcp-perimeter-sound | leaky-rcp |")).length,
            2,
        );
    });

    it("refuses, as the CLI does, a config that its schemas reject", async () => {
        const { policies } = await getAnalyzerInfo(pack);
        const bad = { "iam-no-admin-grants": { breakGlassRoles: "BreakGlassRole" } };
        const { errors } = reconcilePackConfig(policies, bad);
        assert.deepStrictEqual(errors, [
            'iam-no-admin-grants.breakGlassRoles: must be array, got string "BreakGlassRole"',
        ]);
        assert.throws(() => resolvePackConfig(POLICIES, bad), PolicyConfigError);
        const level = reconcilePackConfig(policies, { "iam-no-admin-grants": "strict" });
        assert.deepStrictEqual(level.errors, [
            'parsing enforcement level for "iam-no-admin-grants": "strict" is not valid',
        ]);
    });

    it("takes a misspelt policy or setting silently: only the project's runner refuses it", async () => {
        // The CLI validates against the schemas the pack sends (properties and required only:
        // protoutil.js makeAnalyzerInfo sends nothing else), and @pulumi/policy's Configure
        // stores whatever arrives (server.js configure). A typo therefore reaches a real
        // `pulumi up` unnoticed; `npm start` and `policy:check` refuse it.
        const { policies } = await getAnalyzerInfo(pack);
        const typo = {
            "iam-no-admin-grant": { breakGlassRoles: ["BreakGlassRole"] },
            "iam-no-admin-grants": { breakGlassRole: ["BreakGlassRole"] },
        };
        const { config, errors } = reconcilePackConfig(policies, typo);
        assert.deepStrictEqual(errors, []);
        await configure(pack, config);
        const thrown = (() => {
            try {
                resolvePackConfig(POLICIES, typo);
            } catch (e) {
                return e as PolicyConfigError;
            }
            return undefined;
        })();
        assert.ok(thrown instanceof PolicyConfigError);
        assert.ok(
            thrown.problems.some((p) => p.startsWith("iam-no-admin-grant:")),
            thrown.message,
        );
        assert.ok(
            thrown.problems.some((p) => p.startsWith("iam-no-admin-grants.breakGlassRole:")),
            thrown.message,
        );
    });

    it("type-checks under the pack's own tsconfig", async () => {
        // The runner type-checks what it loads (run-policy-pack/run.js: ts-node `typeCheck: true`);
        // tsc checks every file the tsconfig includes, loaded or not.
        await typeCheck();
    });

    it("refuses a pack that does not type-check: the runner never prints a port", async () => {
        await assert.rejects(typeError(), (e: Error) => {
            assert.match(e.message, /exited with \d+ before any output/);
            assert.match(e.message, /TS2322/);
            return true;
        });
    });

    it("refuses a pack that prints before its port", async () => {
        await assert.rejects(
            printsFirst(),
            /first stdout line must be its port, got "hello from the pack"/,
        );
    });

    it("catches a pack that prints to stdout while it analyzes", async () => {
        const tiny = await printsLater();
        try {
            assert.doesNotThrow(() => tiny.assertQuietStdout());
            await analyze(tiny, resources[0]);
            // The line travels through a pipe: wait for it (mocha's timeout bounds the wait).
            await tiny.child.line(1);
            assert.throws(() => tiny.assertQuietStdout(), /printed to stdout besides its port/);
        } finally {
            await tiny.close();
        }
    });

    it("printed nothing but its port, and never called the engine", () => {
        // Runs last: every RPC above has been answered by now.
        pack.assertQuietStdout();
        // run-policy-pack drops the engine address (cmd/run-policy-pack/index.js `argv._.shift()`)
        // and logs to stderr; a pack has nothing to say to the engine but its diagnostics.
        assert.deepStrictEqual(pack.engine.logs, []);
    });
});
