import * as assert from "assert";
import {
    DEFAULT_MAX_ACCOUNTS_PER_STACK,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../../config";
import { MANAGEMENT, problems, PROD, SECURITY, STAGING } from "../helpers";

// `null` stands for "aws:region not set"; `undefined` would take the default.
const workload =
    (values: Record<string, unknown>, region: string | null = "us-east-1") =>
    () =>
        validateWorkloadConfig({ values, region: region ?? undefined });
const security =
    (values: Record<string, unknown>, region: string | null = "us-east-1") =>
    () =>
        validateSecurityConfig({ values, region: region ?? undefined });
const accounts = [
    { name: "prod", accountId: PROD },
    { name: "staging", accountId: STAGING },
];

describe("config validation: workload stack", () => {
    it("accepts a minimal config and fills in the defaults", () => {
        const cfg = validateWorkloadConfig({
            values: { securityAccountId: SECURITY, workloadAccounts: accounts },
            region: "eu-west-1",
        });
        assert.deepStrictEqual(cfg.workloadAccounts[0], {
            name: "prod",
            accountId: PROD,
            deployRoleName: "OrganizationAccountAccessRole",
        });
        assert.deepStrictEqual(cfg.auditRole, {
            name: "SecurityAuditRole",
            path: "/",
            sessionSeconds: 3600,
            mfaMaxAgeSeconds: 3600,
            managedPolicies: ["SecurityAudit", "ViewOnlyAccess"],
        });
        assert.deepStrictEqual(cfg.tags, {});
    });

    it("rejects a short and a non-numeric account id, naming the key and the fix", () => {
        const lines = problems(
            workload({
                securityAccountId: "12345",
                workloadAccounts: [{ name: "prod", accountId: "77778888999x" }],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:securityAccountId: must be exactly 12 digits, e.g. "123456789012" (got "12345") (fix with: pulumi config set org-access:securityAccountId 123456789012)`,
            `* org-access:workloadAccounts[0].accountId: must be exactly 12 digits, e.g. "123456789012" (got "77778888999x") (fix with: pulumi config set --path 'org-access:workloadAccounts[0].accountId' 123456789012 --type string)`,
        ]);
    });

    it("rejects an unquoted account id, which YAML reads as a number", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: 777788889999 }],
            }),
        );
        assert.strictEqual(lines.length, 1);
        assert.match(
            lines[0],
            /^\* org-access:workloadAccounts\[0\]\.accountId: must be a quoted string of 12 digits.*\(got 777788889999\)/,
        );
    });

    it("rejects duplicate names and ids, and the security account as a workload account", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [
                    ...accounts,
                    { name: "prod", accountId: PROD },
                    { name: "sec", accountId: SECURITY },
                ],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts[2].name: duplicate account name "prod" (also at workloadAccounts[0]) (give every account a unique name)`,
            `* org-access:workloadAccounts[2].accountId: duplicate account id ${PROD} (also at workloadAccounts[0]) (list each account once)`,
            `* org-access:workloadAccounts[3].accountId: ${SECURITY} is the security account; it cannot also be a workload account (remove this entry, or correct securityAccountId)`,
        ]);
    });

    it("names a missing key and says how to set it", () => {
        const lines = problems(workload({ securityAccountId: SECURITY }));
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts: is required (must be a list of accounts, not a single value) (set an entry with --path, e.g.: pulumi config set --path 'org-access:workloadAccounts[0].name' prod && pulumi config set --path 'org-access:workloadAccounts[0].accountId' 123456789012 --type string)`,
        ]);
    });

    it("rejects misspelt keys at any depth and suggests the right one", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", acountId: PROD }],
                auditRol: {},
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts[0].accountId: is required (set it with: pulumi config set --path 'org-access:workloadAccounts[0].accountId' 123456789012 --type string)`,
            `* org-access:workloadAccounts[0].acountId: unknown key (did you mean 'accountId'? remove it with: pulumi config rm --path 'org-access:workloadAccounts[0].acountId'; allowed keys here: name, accountId, deployRoleName, deployExternalId, incidentResponseRole, breakGlassRole)`,
            `* org-access:auditRol: unknown key (did you mean 'auditRole'? remove it with: pulumi config rm --path 'org-access:auditRol'; allowed keys here: securityAccountId, providerRole, tags, iamQuotas, deploymentMode, stackSet, workloadAccounts, maxAccountsPerStack, auditRole, securityStack, trustedPrincipals, previewRole)`,
        ]);
    });

    it("rejects a scalar where a list belongs", () => {
        const lines = problems(workload({ securityAccountId: SECURITY, workloadAccounts: "prod" }));
        assert.deepStrictEqual(lines, [
            `* org-access:workloadAccounts: must be a list of accounts, not a single value (got "prod") (set an entry with --path, e.g.: pulumi config rm org-access:workloadAccounts && pulumi config set --path 'org-access:workloadAccounts[0].name' prod && pulumi config set --path 'org-access:workloadAccounts[0].accountId' 123456789012 --type string)`,
        ]);
    });

    it("rejects names that are not lowercase and DNS-like", () => {
        for (const name of ["Prod", "-prod", "prod-", "prod_1", "a".repeat(64), ""]) {
            const lines = problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: [{ name, accountId: PROD }],
                }),
            );
            assert.strictEqual(lines.length, 1, name);
            assert.match(
                lines[0],
                /workloadAccounts\[0\]\.name: must be lowercase and DNS-like/,
                name,
            );
        }
        assert.doesNotThrow(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [
                    { name: "a", accountId: PROD },
                    { name: `p-${"1".repeat(61)}`, accountId: STAGING },
                ],
            }),
        );
    });

    it("bounds the session cap to 900-3600 seconds", () => {
        for (const s of [899, 3601, 43200]) {
            const lines = problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts,
                    auditRole: { sessionSeconds: s },
                }),
            );
            assert.strictEqual(lines.length, 1);
            assert.match(
                lines[0],
                /^\* org-access:auditRole\.sessionSeconds: must be at (least 900|most 3600) seconds/,
            );
        }
        assert.doesNotThrow(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                auditRole: { sessionSeconds: 900 },
            }),
        );
    });

    it("rejects an oversized ExternalId and never echoes a secret", () => {
        const secret = "x".repeat(1225);
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: [{ name: "prod", accountId: PROD, deployExternalId: secret }],
            }),
        );
        assert.strictEqual(lines.length, 1);
        assert.match(
            lines[0],
            /deployExternalId: is longer than STS allows \(1224 characters maximum\)/,
        );
        assert.ok(!lines[0].includes("xxxx"), "the secret value must not be printed");
    });

    it("requires aws:region and checks it is a region name", () => {
        assert.deepStrictEqual(
            problems(workload({ securityAccountId: SECURITY, workloadAccounts: accounts }, null)),
            [
                "* aws:region: is required: every account provider deploys into it (pulumi config set aws:region us-east-1)",
            ],
        );
        assert.deepStrictEqual(
            problems(
                workload({ securityAccountId: SECURITY, workloadAccounts: accounts }, "useast1"),
            ),
            [
                `* aws:region: "useast1" is not a region of the aws partition (did you mean us-east-1?) (pulumi config set aws:region us-east-1)`,
            ],
        );
    });

    it("reports every problem at once", () => {
        const lines = problems(
            workload(
                {
                    securityAccountId: "1",
                    workloadAccounts: [{ name: "A", accountId: "2" }],
                    auditRole: { managedPolicies: ["AdministratorAccess"] },
                    extra: true,
                },
                null,
            ),
        );
        assert.strictEqual(lines.length, 6, lines.join("\n"));
    });

    it("accepts trustedPrincipals only from the security account, with no wildcard", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                trustedPrincipals: {
                    humanArns: [
                        `arn:aws:iam::${MANAGEMENT}:user/mallory`,
                        "arn:aws:iam::*:root",
                        `arn:aws:iam::${SECURITY}:user/*`,
                    ],
                },
            }),
        );
        assert.strictEqual(lines.length, 2, lines.join("\n"));
        assert.match(
            lines[0],
            /trustedPrincipals\.humanArns\[1\]: must be an exact IAM user or role ARN, with no wildcard/,
        );
        assert.match(
            lines[1],
            /trustedPrincipals\.humanArns\[2\]: must be an exact IAM user or role ARN, with no wildcard/,
        );
        // The account check runs once the ARNs parse.
        assert.deepStrictEqual(
            problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts,
                    trustedPrincipals: { humanArns: [`arn:aws:iam::${MANAGEMENT}:user/mallory`] },
                }),
            ),
            [
                `* org-access:trustedPrincipals.humanArns[0]: arn:aws:iam::${MANAGEMENT}:user/mallory is not in the security account ${SECURITY} (trust only principals of the security account)`,
            ],
        );
    });

    it("refuses an empty trustedPrincipals and one combined with securityStack", () => {
        const lines = problems(
            workload({
                securityAccountId: SECURITY,
                workloadAccounts: accounts,
                securityStack: "o/org-access/security",
                trustedPrincipals: {},
            }),
        );
        assert.deepStrictEqual(lines, [
            "* org-access:trustedPrincipals: names no principal, so nobody could assume the audit roles (add humanArns or reporters, or remove trustedPrincipals to use the security stack's outputs)",
            "* org-access:securityStack: is set together with trustedPrincipals; only one source of trusted principals may be used (remove one of them)",
        ]);
    });
});

describe("config validation: maxAccountsPerStack (workload stacks)", () => {
    const many = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
            name: `team${i}`,
            accountId: String(200000000000 + i),
        }));

    it("accepts up to DEFAULT_MAX_ACCOUNTS_PER_STACK accounts and refuses one more, naming the key and both fixes", () => {
        assert.strictEqual(DEFAULT_MAX_ACCOUNTS_PER_STACK, 10);
        const ten = validateWorkloadConfig({
            values: { securityAccountId: SECURITY, workloadAccounts: many(10) },
            region: "us-east-1",
        });
        assert.strictEqual(ten.workloadAccounts.length, 10);
        assert.strictEqual(ten.maxAccountsPerStack, undefined);
        assert.deepStrictEqual(
            problems(() =>
                validateWorkloadConfig(
                    {
                        values: { securityAccountId: SECURITY, workloadAccounts: many(12) },
                        region: "us-east-1",
                    },
                    "workload-3",
                ),
            ),
            [
                "* org-access:workloadAccounts: lists 12 accounts, more than maxAccountsPerStack allows (10, the default): under the real engine every account's provider is a plugin process of 170-430 MB (docs/BENCHMARKS.md), and the budget is what one CI runner's memory holds (move 2 accounts to a shard, one at a time: npx org-access account move --name team11 --from workload-3 --to workload-4 --write (or the next workload-N shard when workload-4 is full); or, on a runner with more memory, raise the budget: pulumi config set --stack workload-3 org-access:maxAccountsPerStack 12)",
            ],
        );
    });

    it("reads the key as the engine passes it (a string of digits) and as a YAML number", () => {
        for (const max of ["12", 12]) {
            const cfg = validateWorkloadConfig({
                values: {
                    securityAccountId: SECURITY,
                    workloadAccounts: many(12),
                    maxAccountsPerStack: max,
                },
                region: "us-east-1",
            });
            assert.strictEqual(cfg.maxAccountsPerStack, 12);
        }
        assert.deepStrictEqual(
            problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: many(3),
                    maxAccountsPerStack: "2",
                }),
            ),
            [
                "* org-access:workloadAccounts: lists 3 accounts, more than maxAccountsPerStack allows (2): under the real engine every account's provider is a plugin process of 170-430 MB (docs/BENCHMARKS.md), and the budget is what one CI runner's memory holds (move 1 account to a shard, one at a time: npx org-access account move --name team2 --from workload --to workload-2 --write (or the next workload-N shard when workload-2 is full); or, on a runner with more memory, raise the budget: pulumi config set --stack workload org-access:maxAccountsPerStack 3)",
            ],
        );
    });

    it("rejects a budget that is not a positive whole number, every one at once", () => {
        for (const [max, message] of [
            ["0", 'must be at least 1 (got "0")'],
            [-3, "must be at least 1 (got -3)"],
            [2.5, "must be a whole number of accounts, such as 10 (got 2.5)"],
            ["ten", 'must be a whole number of accounts, such as 10 (got "ten")'],
        ] as const)
            assert.deepStrictEqual(
                problems(
                    workload({
                        securityAccountId: SECURITY,
                        workloadAccounts: accounts,
                        maxAccountsPerStack: max,
                    }),
                ),
                [
                    `* org-access:maxAccountsPerStack: ${message} (fix with: pulumi config set org-access:maxAccountsPerStack 10)`,
                ],
            );
    });

    it("does not apply in stackset mode, which runs one provider whatever the number of accounts", () => {
        const cfg = validateWorkloadConfig({
            values: {
                securityAccountId: SECURITY,
                workloadAccounts: many(40),
                deploymentMode: "stackset",
                stackSet: {
                    adminAccount: { accountId: MANAGEMENT },
                    organizationalUnitIds: ["ou-ab12-cdefgh34"],
                },
            },
            region: "us-east-1",
        });
        assert.strictEqual(cfg.workloadAccounts.length, 40);
    });
});

describe("config validation: security stack", () => {
    const base = {
        securityAccountId: SECURITY,
        organizationId: "o-abcdefghij",
        managementAccount: { accountId: MANAGEMENT },
        auditors: ["alice"],
    };

    it("defaults the log archive to nothing (the stack uses the security account) and fills trail defaults", () => {
        const cfg = validateSecurityConfig({ values: base, region: "us-east-1" });
        assert.strictEqual(cfg.logArchiveAccount, undefined);
        assert.deepStrictEqual(cfg.trail, {
            name: "org-access",
            logGroupRetentionDays: 365,
            transitionDays: 90,
            storageClass: "GLACIER",
            objectLockRetentionDays: 365,
        });
        assert.deepStrictEqual(cfg.passwordPolicy, {
            minimumLength: 14,
            reusePrevention: 24,
            maxAgeDays: 90,
        });
        assert.deepStrictEqual(cfg.workloadStacks, ["workload"]);
    });

    it("rejects duplicate people, shared ExternalIds and a user who is both human and program", () => {
        const lines = problems(
            security({
                ...base,
                auditors: ["alice", "bob", "alice"],
                reporters: [
                    { name: "bob", externalId: "same-external-id" },
                    { name: "scanner", externalId: "same-external-id" },
                    { name: "scanner", externalId: "other-external-id" },
                ],
            }),
        );
        assert.deepStrictEqual(lines, [
            `* org-access:auditors[2]: duplicate auditor "alice" (also at auditors[0]) (list each person once)`,
            `* org-access:reporters[2].name: duplicate reporter "scanner" (also at reporters[1]) (give every reporter a unique name)`,
            `* org-access:reporters[1].externalId: same ExternalId as reporters[0]; each reporter needs its own (pulumi config set --secret --path 'org-access:reporters[1].externalId' "$(openssl rand -hex 32)")`,
            `* org-access:reporters[0].name: "bob" is also an auditor; one IAM user cannot be both a human and a program (use a separate user name for the program)`,
        ]);
    });

    it("requires somebody to use the audit roles", () => {
        assert.deepStrictEqual(problems(security({ ...base, auditors: [] })), [
            "* org-access:auditors: no auditor and no reporter is configured, so nobody could use the audit roles (pulumi config set --path 'org-access:auditors[0]' alice)",
        ]);
    });

    it("rejects a weak password policy and logs that would expire before cold storage", () => {
        const lines = problems(
            security({
                ...base,
                passwordPolicy: { minimumLength: 8 },
                trail: {
                    transitionDays: 90,
                    expirationDays: 30,
                    logGroupRetentionDays: 42,
                    objectLockRetentionDays: 1,
                },
            }),
        );
        assert.strictEqual(lines.length, 3, lines.join("\n"));
        assert.match(
            lines[0],
            /passwordPolicy\.minimumLength: must be at least 14 \(CIS AWS Foundations 1\.8\)/,
        );
        assert.match(lines[1], /trail\.logGroupRetentionDays: must be one of CloudWatch's periods/);
        assert.match(lines[2], /trail\.expirationDays: must be greater than trail\.transitionDays/);
    });

    it("refuses an expiration before the Object Lock retention ends, naming both keys and the fix", () => {
        const expiring = (trail: Record<string, unknown>) =>
            problems(security({ ...base, trail: { transitionDays: 90, ...trail } }));
        // The default retention (365 days) applies when only the expiration is set.
        assert.deepStrictEqual(expiring({ expirationDays: 364 }), [
            "* org-access:trail.expirationDays: 364 is shorter than trail.objectLockRetentionDays (365): Object Lock keeps every log version for 365 days, so expiring earlier would only hide logs behind delete markers (pulumi config set --path 'org-access:trail.expirationDays' 365, or remove it to keep logs forever)",
        ]);
        assert.deepStrictEqual(expiring({ expirationDays: 2554, objectLockRetentionDays: 2555 }), [
            "* org-access:trail.expirationDays: 2554 is shorter than trail.objectLockRetentionDays (2555): Object Lock keeps every log version for 2555 days, so expiring earlier would only hide logs behind delete markers (pulumi config set --path 'org-access:trail.expirationDays' 2555, or remove it to keep logs forever)",
        ]);
        // On the day the retention ends, or later, the expiration is accepted.
        for (const trail of [
            { expirationDays: 365 },
            { expirationDays: 2555, objectLockRetentionDays: 2555 },
            { expirationDays: 120, objectLockRetentionDays: 30 },
        ]) {
            const cfg = validateSecurityConfig({
                values: { ...base, trail: { transitionDays: 90, ...trail } },
                region: "us-east-1",
            });
            assert.strictEqual(cfg.trail.expirationDays, trail.expirationDays);
        }
        assert.strictEqual(
            validateSecurityConfig({
                values: { ...base, trail: { objectLockRetentionDays: 2555 } },
                region: "us-east-1",
            }).trail.objectLockRetentionDays,
            2555,
        );
    });

    it("rejects an Object Lock retention that is not a positive whole number of days", () => {
        for (const [days, message] of [
            [0, "must be at least 1 day (got 0)"],
            [1.5, "must be a whole number of days (got 1.5)"],
            ["365", "expected number, received string"],
        ] as const) {
            const lines = problems(security({ ...base, trail: { objectLockRetentionDays: days } }));
            assert.strictEqual(lines.length, 1, lines.join("\n"));
            assert.ok(
                lines[0].startsWith(`* org-access:trail.objectLockRetentionDays: `),
                lines[0],
            );
            assert.ok(lines[0].toLowerCase().includes(message.toLowerCase()), lines[0]);
        }
    });

    it("requires break-glass users when guardrails are set: only they may assume the log-archive admin role", () => {
        assert.deepStrictEqual(
            problems(security({ ...base, guardrails: { targets: ["r-ab12"] } })),
            [
                "* org-access:breakGlass.users: is not set, but guardrails is: the SCPs let only OrgAccessLogArchiveAdmin change the trail bucket and the log key, and only break-glass users may assume it, so nobody could (pulumi config set --path 'org-access:breakGlass.users[0]' break-glass, or remove guardrails)",
            ],
        );
        const cfg = validateSecurityConfig({
            values: {
                ...base,
                guardrails: { targets: ["r-ab12"] },
                breakGlass: { users: ["dana-breakglass"] },
            },
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.breakGlass, { users: ["dana-breakglass"] });
        // Without guardrails, no break-glass user is needed.
        assert.strictEqual(
            validateSecurityConfig({ values: base, region: "us-east-1" }).breakGlass,
            undefined,
        );
    });

    it("rejects two deploy role names for one account", () => {
        assert.deepStrictEqual(
            problems(
                security({
                    ...base,
                    managementAccount: { accountId: MANAGEMENT, deployRoleName: "A" },
                    logArchiveAccount: { accountId: MANAGEMENT, deployRoleName: "B" },
                }),
            ),
            [
                `* org-access:logArchiveAccount.deployRoleName: account ${MANAGEMENT} is already reached through managementAccount.deployRoleName = A; one account has one deploy role (use the same deploy role name in both places)`,
            ],
        );
    });

    it("rejects a bad organization id and an unknown key", () => {
        const lines = problems(security({ ...base, organizationId: "o-ABC", trailName: "x" }));
        assert.deepStrictEqual(
            lines.map((l) => l.split(":")[1]),
            ["organizationId", "trailName"],
        );
    });
});

describe("config validation: reporters' network conditions", () => {
    const base = {
        securityAccountId: SECURITY,
        organizationId: "o-abcdefghij",
        managementAccount: { accountId: MANAGEMENT },
    };
    const reporter = (network: Record<string, unknown>) => ({
        ...base,
        reporters: [{ name: "reporter", externalId: "ext-id-0123456789abcdef", ...network }],
    });

    it("accepts public IPv4 and IPv6 blocks and VPC endpoint ids, and keeps them as given", () => {
        const cfg = validateSecurityConfig({
            values: reporter({
                sourceIps: ["203.0.113.0/24", "198.51.100.7/32", "2001:db8:1234::/48", "8.0.0.0/8"],
                sourceVpces: ["vpce-0123456789abcdef0", "vpce-0a1b2c3d"],
            }),
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.reporters[0].sourceIps, [
            "203.0.113.0/24",
            "198.51.100.7/32",
            "2001:db8:1234::/48",
            "8.0.0.0/8",
        ]);
        assert.deepStrictEqual(cfg.reporters[0].sourceVpces, [
            "vpce-0123456789abcdef0",
            "vpce-0a1b2c3d",
        ]);
        const plain = validateSecurityConfig({ values: reporter({}), region: "us-east-1" });
        assert.strictEqual(plain.reporters[0].sourceIps, undefined);
        assert.strictEqual(plain.reporters[0].sourceVpces, undefined);
    });

    it("rejects every malformed, too broad, private or repeated value at once, naming each", () => {
        const fix = (path: string, example: string) =>
            `(fix with: pulumi config set --path 'org-access:${path}' ${example})`;
        const ip = (i: number) => `reporters[0].sourceIps[${i}]`;
        const vpce = (i: number) => `reporters[0].sourceVpces[${i}]`;
        assert.deepStrictEqual(
            problems(
                security(
                    reporter({
                        sourceIps: [
                            "203.0.113.7",
                            "203.0.113.0/33",
                            "203.0.113.256/32",
                            "203.0.113.5/24",
                            "2001:db8::1/48",
                            "0.0.0.0/0",
                            "4.0.0.0/6",
                            "2001::/16",
                            "10.20.0.0/16",
                            "192.168.1.0/24",
                            "fd00:1::/48",
                            "203.0.113.0/24",
                            "203.0.113.0/24",
                        ],
                        sourceVpces: ["vpce-0A1B2C3D", "vpc-0a1b2c3d", "vpce-0a1b2c3", "vpce-*"],
                    }),
                ),
            ),
            [
                ...[0, 1, 2].map(
                    (i) =>
                        `* org-access:${ip(i)}: must be a CIDR block such as 203.0.113.0/24 or 2001:db8:1234::/48 (one address is 203.0.113.7/32) (got ${JSON.stringify(["203.0.113.7", "203.0.113.0/33", "203.0.113.256/32"][i])}) ${fix(ip(i), "203.0.113.0/24")}`,
                ),
                `* org-access:${ip(3)}: has address bits set beyond its /24 prefix; write the block as 203.0.113.0/24 (got "203.0.113.5/24") ${fix(ip(3), "203.0.113.0/24")}`,
                `* org-access:${ip(4)}: has address bits set beyond its /48 prefix; write the block as 2001:db8::/48 (got "2001:db8::1/48") ${fix(ip(4), "203.0.113.0/24")}`,
                `* org-access:${ip(5)}: is broader than /8: it admits far more than your own egress addresses (the policy pack counts it as everyone); list your public egress ranges (got "0.0.0.0/0") ${fix(ip(5), "203.0.113.0/24")}`,
                `* org-access:${ip(6)}: is broader than /8: it admits far more than your own egress addresses (the policy pack counts it as everyone); list your public egress ranges (got "4.0.0.0/6") ${fix(ip(6), "203.0.113.0/24")}`,
                `* org-access:${ip(7)}: is broader than /32: it admits far more than your own egress addresses (the policy pack counts it as everyone); list your public egress ranges (got "2001::/16") ${fix(ip(7), "203.0.113.0/24")}`,
                `* org-access:${ip(8)}: lies in 10.0.0.0/8, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces) (got "10.20.0.0/16") ${fix(ip(8), "203.0.113.0/24")}`,
                `* org-access:${ip(9)}: lies in 192.168.0.0/16, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces) (got "192.168.1.0/24") ${fix(ip(9), "203.0.113.0/24")}`,
                `* org-access:${ip(10)}: lies in fc00::/7, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces) (got "fd00:1::/48") ${fix(ip(10), "203.0.113.0/24")}`,
                // Repeats are a check of the whole list, reported after its entries'.
                `* org-access:${ip(12)}: repeats [11]; list each CIDR block once (got "203.0.113.0/24") ${fix(ip(12), "203.0.113.0/24")}`,
                ...[0, 1, 2, 3].map(
                    (i) =>
                        `* org-access:${vpce(i)}: must be a VPC endpoint id such as vpce-0123456789abcdef0 (vpce- and 8 or 17 lowercase hex digits) (got ${JSON.stringify(["vpce-0A1B2C3D", "vpc-0a1b2c3d", "vpce-0a1b2c3", "vpce-*"][i])}) ${fix(vpce(i), "vpce-0123456789abcdef0")}`,
                ),
            ],
        );
    });

    it("rejects an empty list and a single value instead of a list, with the command that sets an entry", () => {
        assert.deepStrictEqual(
            problems(security(reporter({ sourceIps: [], sourceVpces: "vpce-0a1b2c3d" }))),
            [
                `* org-access:reporters[0].sourceIps: must list at least one CIDR block, or be left out (got a list) (set its entries with --path, e.g.: pulumi config set --path 'org-access:reporters[0].sourceIps[0]' 203.0.113.0/24)`,
                `* org-access:reporters[0].sourceVpces: must be a list of VPC endpoint ids, not a single value (got "vpce-0a1b2c3d") (set its entries with --path, e.g.: pulumi config rm --path 'org-access:reporters[0].sourceVpces' && pulumi config set --path 'org-access:reporters[0].sourceVpces[0]' vpce-0123456789abcdef0)`,
            ],
        );
    });

    it("checks the same keys in the workload stack's trustedPrincipals fallback", () => {
        assert.deepStrictEqual(
            problems(
                workload({
                    securityAccountId: SECURITY,
                    workloadAccounts: accounts,
                    trustedPrincipals: {
                        reporters: [
                            {
                                name: "reporter",
                                arn: `arn:aws:iam::${SECURITY}:user/reporter`,
                                externalId: "ext-id-0123456789abcdef",
                                sourceIps: ["172.16.0.0/12"],
                                sourceVpces: ["vpce-0a1b2c3d"],
                            },
                        ],
                    },
                }),
            ),
            [
                `* org-access:trustedPrincipals.reporters[0].sourceIps[0]: lies in 172.16.0.0/12, which is never a public source address: aws:SourceIp holds the caller's public address, and a call through a VPC endpoint carries no aws:SourceIp at all (pin those with sourceVpces) (got "172.16.0.0/12") (fix with: pulumi config set --path 'org-access:trustedPrincipals.reporters[0].sourceIps[0]' 203.0.113.0/24)`,
            ],
        );
    });
});

describe("config validation: preview roles and providerRole", () => {
    const identity = `arn:aws:iam::${MANAGEMENT}:role/org-access-github-preview`;
    const trusted = {
        humanArns: [`arn:aws:iam::${SECURITY}:user/alice`],
        previewIdentityArn: identity,
    };
    const base = { securityAccountId: SECURITY, workloadAccounts: accounts };

    it("accepts previewRole with the preview identity, and providerRole preview with it", () => {
        const cfg = validateWorkloadConfig({
            values: {
                ...base,
                previewRole: {},
                trustedPrincipals: trusted,
                providerRole: "preview",
            },
            region: "us-east-1",
        });
        assert.deepStrictEqual(cfg.previewRole, { name: "OrgAccessPreviewRole" });
        assert.strictEqual(cfg.providerRole, "preview");
        assert.strictEqual(cfg.trustedPrincipals?.previewIdentityArn, identity);
        assert.strictEqual(
            validateWorkloadConfig({ values: base, region: "us-east-1" }).providerRole,
            "deploy",
        );
    });

    it("refuses preview roles in stackset mode, a preview with no preview role, and an identity nothing trusts", () => {
        assert.deepStrictEqual(
            problems(
                workload({
                    ...base,
                    deploymentMode: "stackset",
                    stackSet: {
                        adminAccount: { accountId: MANAGEMENT },
                        organizationalUnitIds: ["ou-ab12-cdefgh34"],
                    },
                    previewRole: {},
                    providerRole: "preview",
                }),
            ),
            [
                "* org-access:previewRole: is not supported in stackset mode (the StackSet deploys the audit and duty roles only; preview roles need provider mode) (remove previewRole, or use deploymentMode provider for this stack)",
                "* org-access:providerRole: is preview, but this stack is in stackset mode, where no preview role exists (preview this stack with providerRole deploy from a trusted machine)",
            ],
        );
        assert.deepStrictEqual(
            problems(workload({ ...base, providerRole: "preview", trustedPrincipals: trusted })),
            [
                "* org-access:providerRole: is preview, but previewRole is not set, so no preview role exists (pulumi config set --path 'org-access:previewRole.name' OrgAccessPreviewRole, and pulumi up once with providerRole deploy)",
                "* org-access:trustedPrincipals.previewIdentityArn: is set, but previewRole is not, so no role would trust it (pulumi config set --path 'org-access:previewRole.name' OrgAccessPreviewRole, or remove it)",
            ],
        );
        assert.deepStrictEqual(
            problems(
                workload({
                    ...base,
                    previewRole: {},
                    trustedPrincipals: { humanArns: trusted.humanArns },
                }),
            ),
            [
                "* org-access:trustedPrincipals.previewIdentityArn: is required with previewRole: it is the only principal the preview roles trust (set it to the security stack's output ciPreviewIdentityArn)",
            ],
        );
    });

    it("refuses a preview identity that is not one exact role ARN", () => {
        for (const arn of [
            `arn:aws:iam::${MANAGEMENT}:role/*`,
            `arn:aws:iam::${MANAGEMENT}:user/org-access-github-preview`,
            "*",
        ])
            assert.strictEqual(
                problems(
                    workload({
                        ...base,
                        previewRole: {},
                        trustedPrincipals: { ...trusted, previewIdentityArn: arn },
                    }),
                ).filter((p) => p.startsWith("* org-access:trustedPrincipals.previewIdentityArn:"))
                    .length,
                1,
                arn,
            );
    });

    it("refuses a preview role named like a role that writes, in either stack", () => {
        assert.deepStrictEqual(
            problems(
                workload({
                    ...base,
                    workloadAccounts: [
                        { name: "prod", accountId: PROD, deployRoleName: "Deployer" },
                    ],
                    previewRole: { name: "Deployer" },
                    trustedPrincipals: trusted,
                }),
            ),
            [
                `* org-access:previewRole.name: "Deployer" is already workloadAccounts[0].deployRoleName; pull requests would be sent to a role that writes (use a name of its own: pulumi config set --path 'org-access:previewRole.name' OrgAccessPreviewRole)`,
            ],
        );
        assert.deepStrictEqual(
            problems(
                security({
                    securityAccountId: SECURITY,
                    organizationId: "o-abcdefghij",
                    managementAccount: {
                        accountId: MANAGEMENT,
                        deployRoleName: "OrgAccessDeployRole",
                    },
                    auditors: ["alice"],
                    ci: {
                        repository: "example-org/org-access",
                        stateBucket: "example-state",
                        previewRoleName: "OrgAccessDeployRole",
                    },
                }),
            ),
            [
                `* org-access:ci.previewRoleName: "OrgAccessDeployRole" is already managementAccount.deployRoleName; pull requests would be sent to a role that writes (use a name of its own: pulumi config set --path 'org-access:ci.previewRoleName' OrgAccessPreviewRole)`,
            ],
        );
    });

    it("refuses providerRole preview in the security stack without ci", () => {
        assert.deepStrictEqual(
            problems(
                security({
                    securityAccountId: SECURITY,
                    organizationId: "o-abcdefghij",
                    managementAccount: { accountId: MANAGEMENT },
                    auditors: ["alice"],
                    providerRole: "preview",
                }),
            ),
            [
                "* org-access:providerRole: is preview, but org-access:ci is not configured, so no preview role exists in any account (configure ci (docs/deploying.md#ci), or use providerRole deploy)",
            ],
        );
    });
});

describe("config validation: iamQuotas (both stacks)", () => {
    const base = { securityAccountId: SECURITY, workloadAccounts: accounts };

    it("defaults to IAM's quotas and accepts raised ones up to IAM's maximum", () => {
        assert.deepStrictEqual(
            validateWorkloadConfig({ values: base, region: "us-east-1" }).iamQuotas,
            {
                roleTrustPolicyLength: 2048,
                managedPoliciesPerRole: 10,
                managedPoliciesPerUser: 10,
            },
        );
        const raised = {
            roleTrustPolicyLength: 4096,
            managedPoliciesPerRole: 20,
            managedPoliciesPerUser: 15,
        };
        assert.deepStrictEqual(
            validateWorkloadConfig({ values: { ...base, iamQuotas: raised }, region: "us-east-1" })
                .iamQuotas,
            raised,
        );
    });

    it("reports every out-of-range, fractional or unknown value at once, with the fix", () => {
        const lines = problems(
            workload({
                ...base,
                iamQuotas: {
                    roleTrustPolicyLength: 5000,
                    managedPoliciesPerRole: 9,
                    managedPoliciesPerUser: 10.5,
                    managedPoliciesPerGroup: 20,
                },
            }),
        );
        assert.deepStrictEqual(lines, [
            "* org-access:iamQuotas.roleTrustPolicyLength: must be at most 4096 (the most IAM raises this quota to) (got 5000) (fix with: pulumi config set --path 'org-access:iamQuotas.roleTrustPolicyLength' 2048)",
            "* org-access:iamQuotas.managedPoliciesPerRole: must be at least 10 (IAM's default quota) (got 9) (fix with: pulumi config set --path 'org-access:iamQuotas.managedPoliciesPerRole' 10)",
            "* org-access:iamQuotas.managedPoliciesPerUser: must be a whole number of policies (got 10.5) (fix with: pulumi config set --path 'org-access:iamQuotas.managedPoliciesPerUser' 10)",
            "* org-access:iamQuotas.managedPoliciesPerGroup: unknown key (did you mean 'managedPoliciesPerRole'? remove it with: pulumi config rm --path 'org-access:iamQuotas.managedPoliciesPerGroup'; allowed keys here: roleTrustPolicyLength, managedPoliciesPerRole, managedPoliciesPerUser)",
        ]);
    });

    it("is read by the security stack too", () => {
        const lines = problems(
            security({
                securityAccountId: SECURITY,
                organizationId: "o-abcdefghij",
                managementAccount: { accountId: MANAGEMENT },
                iamQuotas: { roleTrustPolicyLength: 1000 },
            }),
        );
        assert.ok(
            lines.includes(
                "* org-access:iamQuotas.roleTrustPolicyLength: must be at least 2048 (IAM's default quota) (got 1000) (fix with: pulumi config set --path 'org-access:iamQuotas.roleTrustPolicyLength' 2048)",
            ),
            lines.join("\n"),
        );
    });
});
