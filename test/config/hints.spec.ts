// Fix hints, pasted: each `pulumi config set`/`rm` command a problem's fix gives is applied to the
// stack's config the way the Pulumi CLI applies it, and the config is validated again. With
// `--path`, the CLI stores "true"/"false" as booleans and integers as numbers unless `--type
// string` is given; a top-level key is always a string.
// https://www.pulumi.com/docs/iac/cli/commands/pulumi_config_set/
import * as assert from "assert";
import { randomBytes } from "crypto";
import {
    ConfigError,
    ConfigProblem,
    loadSecurityConfig,
    parseStackFile,
    rawStackValues,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";
import {
    LOG_ARCHIVE,
    MANAGEMENT,
    PROD,
    projectWith,
    SECURITY,
    securityValues,
    workloadValues,
} from "../helpers";

type Config = Record<string, unknown>;

/** Splits a command line as a POSIX shell would, running the one substitution the hints use. */
function words(line: string): string[] {
    const out: string[] = [];
    const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
        const word = m[1] ?? m[2] ?? m[3];
        out.push(
            m[2] !== undefined
                ? word.replace("$(openssl rand -hex 32)", randomBytes(32).toString("hex"))
                : word,
        );
    }
    return out;
}

/**
 * The commands of a fix, in order: the first `pulumi config ...` and every one chained to it with
 * `&&`. What follows (", or remove it", ", and pulumi up once ...") is an alternative or a later step.
 */
function commands(fix: string): string[][] {
    const start = fix.indexOf("pulumi config ");
    assert.ok(start >= 0, `the fix gives no pulumi config command: ${fix}`);
    const chain = fix.slice(start).split(/, (?:or|and) |\)$/)[0];
    return chain.split(" && ").map((c) => words(c.trim()));
}

/** `["org-access:workloadAccounts", 0, "accountId"]` from `workloadAccounts[0].accountId`. */
function keyPath(key: string): (string | number)[] {
    const parts = key
        .split(/\.|(?=\[)/)
        .map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p));
    const top = String(parts[0]);
    return [top.includes(":") ? top : `org-access:${top}`, ...parts.slice(1)];
}

/** Applies one `pulumi config set|rm` to `config` as the CLI would. */
function apply(config: Config, argv: string[]): void {
    assert.deepStrictEqual(argv.slice(0, 2), ["pulumi", "config"], argv.join(" "));
    const flags = new Set<string>();
    const args: string[] = [];
    let type: string | undefined;
    for (let i = 3; i < argv.length; i++) {
        if (argv[i] === "--type") type = argv[++i];
        else if (argv[i] === "--stack") i++;
        else if (argv[i].startsWith("--")) flags.add(argv[i]);
        else args.push(argv[i]);
    }
    const path = flags.has("--path") ? keyPath(args[0]) : [keyPath(args[0])[0]];
    if (!flags.has("--path"))
        assert.ok(!/[.[]/.test(args[0]) || args[0].includes(":"), `${args[0]} needs --path`);
    if (argv[2] === "rm") {
        let parent: Record<string | number, unknown> = config;
        for (const part of path.slice(0, -1))
            parent = parent[part] as Record<string | number, unknown>;
        delete parent[path[path.length - 1]];
        return;
    }
    assert.strictEqual(argv[2], "set", argv.join(" "));
    assert.strictEqual(args.length, 2, `one key and one value: ${argv.join(" ")}`);
    const raw = args[1];
    const value =
        path.length === 1 || type === "string" || flags.has("--secret")
            ? raw
            : raw === "true" || raw === "false"
              ? raw === "true"
              : /^(0|-?[1-9]\d*)$/.test(raw)
                ? Number(raw)
                : raw;
    let parent: Record<string | number, unknown> = config;
    path.slice(0, -1).forEach((part, i) => {
        if (parent[part] === undefined) parent[part] = typeof path[i + 1] === "number" ? [] : {};
        parent = parent[part] as Record<string | number, unknown>;
    });
    parent[path[path.length - 1]] = value;
}

/** The problems `validate` finds in `config`, or none. */
function problemsOf(validate: (c: Config) => unknown, config: Config): ConfigProblem[] {
    try {
        validate(config);
        return [];
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        return [...e.problems];
    }
}

const workload = (c: Config) => validateWorkloadConfig(rawStackValues(c));
const security = (c: Config) => validateSecurityConfig(rawStackValues(c));

/** A stack's config from `org-access:` values, with aws:region. */
function stack(values: Record<string, unknown>, region = "us-east-1"): Config {
    return {
        "aws:region": region,
        ...Object.fromEntries(
            Object.entries(values)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [`org-access:${k}`, structuredClone(v)]),
        ),
    };
}

/**
 * Checks that `config` has exactly the problem at `path`, and that pasting its fix gives a config
 * with no problem at all.
 */
function roundTrip(validate: (c: Config) => unknown, config: Config, path: string): string {
    const before = problemsOf(validate, config);
    assert.deepStrictEqual(
        before.map((p) => p.path),
        [path],
        before.map((p) => `${p.path}: ${p.message} (${p.fix})`).join("\n"),
    );
    const fix = before[0].fix ?? "";
    for (const argv of commands(fix)) apply(config, argv);
    const after = problemsOf(validate, config);
    assert.deepStrictEqual(
        after.map((p) => `${p.path}: ${p.message}`),
        [],
        `after pasting: ${fix}`,
    );
    return fix;
}

describe("fix hints, pasted as the Pulumi CLI would apply them, give a valid config", () => {
    it("an account id set with --path stays a string (--type string)", () => {
        const values = workloadValues();
        (values.workloadAccounts as Record<string, unknown>[])[1].accountId = 555555555555;
        const fix = roundTrip(workload, stack(values), "workloadAccounts[1].accountId");
        // The user's own id, kept: a number only because --path stored it untyped.
        assert.match(
            fix,
            /--path 'org-access:workloadAccounts\[1\]\.accountId' 555555555555 --type string$/,
        );
    });

    it("a number or boolean in a string key is set again as the user's own value, --type string", () => {
        const cases: [(c: Config) => unknown, Config, string, string][] = [
            [
                security,
                stack(
                    securityValues({
                        breakGlass: { users: ["dana"] },
                        guardrails: { targets: [210987654321] },
                    }),
                ),
                "guardrails.targets[0]",
                "210987654321",
            ],
            [
                security,
                stack(
                    securityValues({
                        breakGlass: { users: ["dana"] },
                        guardrails: { targets: ["r-abcd1234"], workloadTargets: [210987654321] },
                    }),
                ),
                "guardrails.workloadTargets[0]",
                "210987654321",
            ],
            [
                security,
                stack(securityValues({ resourceControlPolicies: { targets: [210987654321] } })),
                "resourceControlPolicies.targets[0]",
                "210987654321",
            ],
            [
                security,
                stack(securityValues({ tags: { CostCentre: 1234 } })),
                "tags.CostCentre",
                "1234",
            ],
            [workload, stack(workloadValues({ tags: { Shared: true } })), "tags.Shared", "true"],
            [
                security,
                stack(
                    securityValues({
                        ci: {
                            repository: "example-org/org-access",
                            stateBucket: "org-access-state",
                            deployBranch: 2024,
                        },
                    }),
                ),
                "ci.deployBranch",
                "2024",
            ],
        ];
        for (const [validate, config, path, own] of cases) {
            const fix = roundTrip(validate, config, path);
            assert.strictEqual(
                fix,
                `fix with: pulumi config set --path 'org-access:${path}' ${own} --type string`,
            );
            // The user's own value is kept, as the string it must be.
            const parts = keyPath(path);
            let v: unknown = config;
            for (const part of parts) v = (v as Record<string | number, unknown>)[part];
            assert.strictEqual(v, own, path);
        }
    });

    it("a key without a fixed example gets a real value: a quota's default, a flag as a boolean", () => {
        const quota = roundTrip(
            workload,
            stack(workloadValues({ iamQuotas: { managedPoliciesPerRole: 9 } })),
            "iamQuotas.managedPoliciesPerRole",
        );
        assert.strictEqual(
            quota,
            "fix with: pulumi config set --path 'org-access:iamQuotas.managedPoliciesPerRole' 10",
        );
        const flag = roundTrip(
            workload,
            stack(
                workloadValues({
                    workloadAccounts: [{ name: "prod", accountId: PROD, breakGlassRole: "no" }],
                }),
            ),
            "workloadAccounts[0].breakGlassRole",
        );
        assert.strictEqual(
            flag,
            "fix with: pulumi config set --path 'org-access:workloadAccounts[0].breakGlassRole' false",
        );
    });

    it("a missing account id, and a management account id that is a number", () => {
        const values = workloadValues();
        delete (values.workloadAccounts as Record<string, unknown>[])[0].accountId;
        roundTrip(workload, stack(values), "workloadAccounts[0].accountId");
        roundTrip(
            security,
            stack(securityValues({ managementAccount: { accountId: Number(MANAGEMENT) } })),
            "managementAccount.accountId",
        );
    });

    it("a top-level key is set without --path, as the string it must be", () => {
        const fix = roundTrip(
            workload,
            // Trust from the security stack's outputs, so no ARN names the old account id.
            stack(workloadValues({ securityAccountId: "1111", trustedPrincipals: undefined })),
            "securityAccountId",
        );
        assert.strictEqual(
            fix,
            "fix with: pulumi config set org-access:securityAccountId 123456789012",
        );
        roundTrip(
            workload,
            stack(workloadValues({ maxAccountsPerStack: 0 })),
            "maxAccountsPerStack",
        );
    });

    it("a missing or scalar list gets one whole entry, every required field of it", () => {
        roundTrip(
            workload,
            stack(workloadValues({ workloadAccounts: undefined })),
            "workloadAccounts",
        );
        roundTrip(
            workload,
            stack(workloadValues({ workloadAccounts: "prod" })),
            "workloadAccounts",
        );
        roundTrip(
            security,
            stack(securityValues({ managementAccount: undefined })),
            "managementAccount",
        );
        roundTrip(security, stack(securityValues({ reporters: "reporter" })), "reporters");
    });

    it("a suggested account name is one no other entry has", () => {
        const values = workloadValues();
        delete (values.workloadAccounts as Record<string, unknown>[])[1].name;
        const fix = roundTrip(workload, stack(values), "workloadAccounts[1].name");
        assert.match(fix, /'org-access:workloadAccounts\[1\]\.name' prod-2$/);
    });

    it("a suggested preview role name is one no other role has", () => {
        const trusted = {
            ...(workloadValues().trustedPrincipals as Record<string, unknown>),
            previewIdentityArn: `arn:aws:iam::${SECURITY}:role/OrgAccessCiPreview`,
        };
        // The default preview role name taken by the audit role: the hint must not offer it again.
        const fix = roundTrip(
            workload,
            stack(
                workloadValues({
                    trustedPrincipals: trusted,
                    auditRole: { name: "OrgAccessPreviewRole" },
                    previewRole: { name: "OrgAccessPreviewRole" },
                }),
            ),
            "previewRole.name",
        );
        assert.match(fix, /'org-access:previewRole\.name' OrgAccessPreviewRole-2$/);
        roundTrip(
            workload,
            stack(
                workloadValues({
                    trustedPrincipals: trusted,
                    workloadAccounts: [
                        { name: "prod", accountId: PROD, deployRoleName: "Deployer" },
                    ],
                    previewRole: { name: "Deployer" },
                }),
            ),
            "previewRole.name",
        );
    });

    it("a suggested user is one who has no other duty", () => {
        // alice, the usual example, is the break-glass user here.
        const fix = roundTrip(
            security,
            stack(
                securityValues({ auditors: [], reporters: [], breakGlass: { users: ["alice"] } }),
            ),
            "auditors",
        );
        assert.match(fix, /'org-access:auditors\[0\]' alice-2$/);
        roundTrip(
            security,
            stack(securityValues({ guardrails: { targets: ["r-abcd1234"] } })),
            "breakGlass.users",
        );
    });

    it("aws:region, in aws, aws-cn and aws-us-gov", () => {
        for (const [wrong, right] of [
            ["us-est-1", "us-east-1"],
            ["cn-nrth-1", "cn-north-1"],
            ["us-gov-wst-1", "us-gov-west-1"],
        ]) {
            const fix = roundTrip(
                security,
                stack(securityValues({ logArchiveAccount: { accountId: LOG_ARCHIVE } }), wrong),
                "aws:region",
            );
            assert.strictEqual(fix, `pulumi config set aws:region ${right}`);
        }
    });

    it("aws:region misspelt as a key: the fix keeps the region written under it", () => {
        const config = stack(securityValues({}));
        delete config["aws:region"];
        config["aws:regoin"] = "eu-west-1";
        const problems = problemsOf(security, config);
        assert.deepStrictEqual(
            problems.map((p) => p.path),
            ["aws:region", "aws:regoin"],
        );
        assert.strictEqual(
            problems[0].fix,
            "pulumi config set aws:region eu-west-1 && pulumi config rm 'aws:regoin'",
        );
        for (const argv of commands(problems[0].fix ?? "")) apply(config, argv);
        assert.deepStrictEqual(problemsOf(security, config), []);
        assert.strictEqual(config["aws:region"], "eu-west-1");
    });

    it("the hand-written hints of the rules across keys", () => {
        // A lifecycle expiration before the Object Lock retention ends.
        roundTrip(
            security,
            stack(securityValues({ trail: { objectLockRetentionDays: 365, expirationDays: 200 } })),
            "trail.expirationDays",
        );
        // StackSet mode without its settings: both required fields in one paste.
        const fix = roundTrip(
            workload,
            stack(workloadValues({ deploymentMode: "stackset" })),
            "stackSet",
        );
        assert.match(
            fix,
            /'org-access:stackSet\.adminAccount\.accountId' 123456789012 --type string$/,
        );
        // An SCP region list without the program's own region.
        roundTrip(
            security,
            stack(
                securityValues({
                    breakGlass: { users: ["dana"] },
                    guardrails: { targets: ["r-abcd1234"], allowedRegions: ["eu-west-1"] },
                }),
            ),
            "guardrails.allowedRegions",
        );
    });

    it("no hint puts a <placeholder> in a command (bash reads `<x` as a file to redirect from)", () => {
        const bad: [(c: Config) => unknown, Config][] = [
            [security, stack(securityValues({ guardrails: { targets: [210987654321, 12] } }))],
            [security, stack(securityValues({ tags: { A: 1234, B: false } }))],
            [security, stack(securityValues({ trail: { name: 12 } }))],
            [security, stack(securityValues({ trail: { name: "REPLACE-ME" } }))],
            [security, stack(securityValues({ ci: { repository: 5, deployBranch: "a b" } }))],
            [security, stack(securityValues({ managementAccount: { accountId: true } }))],
            [security, stack(securityValues({ reporters: [{ name: 3, externalId: 42 }] }))],
            [security, stack(securityValues({}), "eu-wst-1")],
            [workload, stack(workloadValues({ workloadAccounts: [{ name: 7, accountId: 1 }] }))],
            [workload, stack(workloadValues({ securityAccountId: undefined, previewRole: 3 }))],
            [workload, stack(workloadValues({ deploymentMode: "sideways", tags: "x" }))],
            [workload, stack(workloadValues({ auditRole: { name: 5, managedPolicies: [1] } }))],
            [workload, stack(workloadValues({ iamQuotas: { managedPoliciesPerRole: 9 } }))],
            [
                security,
                stack(securityValues({ rootAccess: "enabled", alarms: { emails: ["a@b"] } })),
            ],
            [
                workload,
                stack(
                    workloadValues({
                        workloadAccounts: [
                            { name: "prod", accountId: PROD, breakGlassRole: "yes" },
                        ],
                    }),
                ),
            ],
        ];
        const fixes = bad.flatMap(([validate, config]) =>
            problemsOf(validate, config).map((p) => p.fix ?? ""),
        );
        try {
            parseStackFile(
                "environment:\n  - myorg/aws-prod\nconfig: {}\n",
                "Pulumi.workload.yaml",
            );
            assert.fail("an environment: block is refused");
        } catch (e) {
            if (!(e instanceof Error) || !("problems" in e)) throw e;
            fixes.push(...(e.problems as ConfigProblem[]).map((p) => p.fix ?? ""));
        }
        assert.ok(fixes.length > 20, `${fixes.length} hints`);
        for (const fix of fixes.filter((f) => f.includes("pulumi ")))
            assert.doesNotMatch(fix, /</, fix);
        // Every key in full: a bare key goes to the project's namespace, which a renamed
        // Pulumi.yaml `name:` moves away from org-access.
        const keys = fixes.flatMap((f) =>
            [
                ...f.matchAll(
                    /pulumi config (?:set|rm)((?: --(?:stack \S+|secret|path))*) '?([^\s']+)/g,
                ),
            ].map((m) => m[2]),
        );
        assert.ok(keys.length > 20, `${keys.length} keys`);
        for (const key of keys) assert.match(key, /^(org-access|aws|pulumi):/, key);
    });

    it("a hint about a workload stack's file, printed by the security stack, names that stack", () => {
        // The security stack reads every workload stack's file: pasted while `security` is the
        // selected stack, a hint without --stack would set the security stack's own key.
        const root = projectWith({
            "workload-eu": workloadValues({
                securityAccountId: "1111",
                trustedPrincipals: undefined,
                tags: { CostCentre: 1234 },
            }),
        });
        let error: unknown;
        try {
            loadSecurityConfig(
                "security",
                {
                    values: securityValues({ workloadStacks: ["workload-eu"] }),
                    region: "us-east-1",
                },
                root,
                { allowPlaceholders: true },
            );
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof ConfigError, String(error));
        assert.strictEqual(error.stackName, "security");
        const lines = error.message.split("\n").filter((l) => l.includes("pulumi config"));
        assert.strictEqual(lines.length, 2, error.message);
        for (const line of lines)
            for (const command of line.match(/pulumi config (set|rm)[^()]*/g) ?? [])
                assert.match(command, /^pulumi config (set|rm) --stack workload-eu /, line);
        assert.match(
            error.message,
            /securityAccountId: .*pulumi config set --stack workload-eu org-access:securityAccountId 123456789012/,
        );
    });

    it("pinned() names the stack in every config command, and keeps a --stack already given", () => {
        const e = new ConfigError("workload-us", [
            {
                path: "tags",
                message: "m",
                fix: "pulumi config rm org-access:tags && pulumi config set --path 'org-access:tags.Team' security",
            },
            {
                path: "x",
                message: "m",
                fix: "pulumi config set --stack workload-eu org-access:x 1",
            },
            { path: "y", message: "m" },
        ]).pinned();
        assert.deepStrictEqual(
            e.problems.map((p) => p.fix),
            [
                "pulumi config rm --stack workload-us org-access:tags && pulumi config set --stack workload-us --path 'org-access:tags.Team' security",
                "pulumi config set --stack workload-eu org-access:x 1",
                undefined,
            ],
        );
        assert.strictEqual(e.stackName, "workload-us");
    });

    it("a suggested account name is free in every workload stack, not only the one with the problem", () => {
        // "prod" and "prod-2" are taken in workload; workload-eu's unnamed account must not get them.
        const root = projectWith({
            workload: workloadValues({
                workloadAccounts: [
                    { name: "prod", accountId: PROD },
                    { name: "prod-2", accountId: "444455556666" },
                ],
            }),
            "workload-eu": workloadValues({ workloadAccounts: [{ accountId: "777788889999" }] }),
        });
        let error: unknown;
        try {
            loadSecurityConfig(
                "security",
                {
                    values: securityValues({ workloadStacks: ["workload", "workload-eu"] }),
                    region: "us-east-1",
                },
                root,
                { allowPlaceholders: true },
            );
        } catch (e) {
            error = e;
        }
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(
            error.message,
            /workloadAccounts\[0\]\.name: .*pulumi config set --stack workload-eu --path 'org-access:workloadAccounts\[0\]\.name' prod-3\)/,
        );
    });
});
