// The ARN builders (policypack/iam/arn.ts): every family in each partition, IAM paths, session
// names, what the evaluator reads back from them; and a scan of the sources that fails when an ARN
// is built by hand with a template literal anywhere but in the builders.
// Formats: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-arns
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as program from "../../components/arns";
import { awsPrincipalFromArn } from "../../policypack/iam/context";
import {
    accountRootArn,
    arn,
    assumedRoleArn,
    awsManagedPolicyArn,
    cloudTrailArn,
    cloudWatchAlarmArn,
    formatArn,
    iamArn,
    iamGroupArn,
    iamPolicyArn,
    iamRoleArn,
    iamUserArn,
    kmsAliasArn,
    kmsKeyArn,
    lambdaFunctionArn,
    logGroupArn,
    mfaDeviceArn,
    oidcProviderArn,
    parseArn,
    PROBE_PARTITION,
    s3BucketArn,
    s3ObjectArn,
    snsTopicArn,
} from "../../policypack/iam/arn";

const ACCOUNT = "123456789012";
const PARTITIONS = ["aws", "aws-us-gov", "aws-cn"];

describe("ARN builders (policypack/iam/arn.ts)", () => {
    it("build every family in the partition they are given, never a fixed arn:aws:", () => {
        for (const p of PARTITIONS) {
            const expected: [string, string][] = [
                [iamRoleArn(p, ACCOUNT, "R"), `arn:${p}:iam::123456789012:role/R`],
                [iamUserArn(p, ACCOUNT, "u"), `arn:${p}:iam::123456789012:user/u`],
                [iamGroupArn(p, ACCOUNT, "g"), `arn:${p}:iam::123456789012:group/g`],
                [iamPolicyArn(p, ACCOUNT, "P"), `arn:${p}:iam::123456789012:policy/P`],
                [mfaDeviceArn(p, ACCOUNT, "alice"), `arn:${p}:iam::123456789012:mfa/alice`],
                [accountRootArn(p, ACCOUNT), `arn:${p}:iam::123456789012:root`],
                [
                    iamArn(p, ACCOUNT, "saml-provider/Okta"),
                    `arn:${p}:iam::123456789012:saml-provider/Okta`,
                ],
                [
                    awsManagedPolicyArn(p, "/job-function/ViewOnlyAccess"),
                    `arn:${p}:iam::aws:policy/job-function/ViewOnlyAccess`,
                ],
                [
                    oidcProviderArn(p, ACCOUNT, "token.actions.githubusercontent.com"),
                    `arn:${p}:iam::123456789012:oidc-provider/token.actions.githubusercontent.com`,
                ],
                [
                    assumedRoleArn(p, ACCOUNT, "R", "s"),
                    `arn:${p}:sts::123456789012:assumed-role/R/s`,
                ],
                [s3BucketArn(p, "logs"), `arn:${p}:s3:::logs`],
                [s3ObjectArn(p, "logs", "AWSLogs/*"), `arn:${p}:s3:::logs/AWSLogs/*`],
                [
                    logGroupArn(p, "us-east-1", ACCOUNT, "/org/trail"),
                    `arn:${p}:logs:us-east-1:123456789012:log-group:/org/trail`,
                ],
                [
                    snsTopicArn(p, "us-east-1", ACCOUNT, "alarms"),
                    `arn:${p}:sns:us-east-1:123456789012:alarms`,
                ],
                [
                    cloudTrailArn(p, "us-east-1", ACCOUNT, "org"),
                    `arn:${p}:cloudtrail:us-east-1:123456789012:trail/org`,
                ],
                [
                    cloudWatchAlarmArn(p, "us-east-1", ACCOUNT, "root-use"),
                    `arn:${p}:cloudwatch:us-east-1:123456789012:alarm:root-use`,
                ],
                [
                    kmsKeyArn(p, "us-east-1", ACCOUNT, "*"),
                    `arn:${p}:kms:us-east-1:123456789012:key/*`,
                ],
                [
                    kmsAliasArn(p, "us-east-1", ACCOUNT, "alias/org-trail"),
                    `arn:${p}:kms:us-east-1:123456789012:alias/org-trail`,
                ],
                [
                    lambdaFunctionArn(p, "us-east-1", ACCOUNT, "fn"),
                    `arn:${p}:lambda:us-east-1:123456789012:function:fn`,
                ],
                [
                    arn(p, "rds", "us-east-1", ACCOUNT, "db:evidence"),
                    `arn:${p}:rds:us-east-1:123456789012:db:evidence`,
                ],
            ];
            for (const [built, want] of expected) assert.strictEqual(built, want);
        }
    });

    it("put an IAM path between the kind and the name, as IAM stores it (`/a/b/`)", () => {
        assert.strictEqual(
            iamRoleArn("aws-us-gov", ACCOUNT, "R", "/a/b/"),
            "arn:aws-us-gov:iam::123456789012:role/a/b/R",
        );
        assert.strictEqual(
            iamUserArn("aws", ACCOUNT, "alice", "/org-access/"),
            "arn:aws:iam::123456789012:user/org-access/alice",
        );
        assert.strictEqual(
            iamGroupArn("aws-cn", ACCOUNT, "auditors", "/a/b/"),
            "arn:aws-cn:iam::123456789012:group/a/b/auditors",
        );
        assert.strictEqual(
            iamPolicyArn("aws", ACCOUNT, "Boundary", "/a/b/"),
            "arn:aws:iam::123456789012:policy/a/b/Boundary",
        );
        assert.strictEqual(
            mfaDeviceArn("aws", ACCOUNT, "alice", "/a/"),
            "arn:aws:iam::123456789012:mfa/a/alice",
        );
    });

    it("name a session by the role's name and the session name, without the role's path", () => {
        // A session of role/a/b/R is assumed-role/R/<session>: STS drops the path.
        for (const session of ["alice@example.com", "org-access-verify-alice", "a=b,c.d"]) {
            const s = assumedRoleArn("aws-us-gov", ACCOUNT, "R", session);
            assert.strictEqual(s, `arn:aws-us-gov:sts::123456789012:assumed-role/R/${session}`);
            const p = awsPrincipalFromArn(s);
            assert.ok(p && p.type === "aws");
            assert.strictEqual(p.kind, "assumed-role");
            assert.strictEqual(p.name, session);
            assert.strictEqual(p.partition, "aws-us-gov");
            assert.strictEqual(p.account, ACCOUNT);
            // The role behind it, in the same partition.
            assert.strictEqual(
                (p as { roleArn?: string }).roleArn,
                "arn:aws-us-gov:iam::123456789012:role/R",
            );
        }
    });

    it("read back as they were built: parseArn splits the six parts, formatArn joins them", () => {
        for (const p of PARTITIONS) {
            const role = iamRoleArn(p, ACCOUNT, "R", "/a/b/");
            assert.deepStrictEqual(parseArn(role), {
                partition: p,
                service: "iam",
                region: "",
                account: ACCOUNT,
                resource: "role/a/b/R",
            });
            assert.strictEqual(formatArn(parseArn(role)!), role);
            const logs = logGroupArn(p, "cn-north-1", ACCOUNT, "a:b");
            assert.deepStrictEqual(parseArn(logs), {
                partition: p,
                service: "logs",
                region: "cn-north-1",
                account: ACCOUNT,
                resource: "log-group:a:b",
            });
            assert.strictEqual(formatArn(parseArn(logs)!), logs);
            const root = awsPrincipalFromArn(accountRootArn(p, ACCOUNT));
            assert.ok(root && root.type === "aws");
            assert.deepStrictEqual([root.kind, root.partition], ["root", p]);
        }
    });

    it("are the program's builders too: components/arns.ts re-exports the same functions", () => {
        const pairs: [unknown, unknown][] = [
            [program.arn, arn],
            [program.iamRoleArn, iamRoleArn],
            [program.iamUserArn, iamUserArn],
            [program.accountRootArn, accountRootArn],
            [program.awsManagedPolicyArn, awsManagedPolicyArn],
            [program.oidcProviderArn, oidcProviderArn],
            [program.s3BucketArn, s3BucketArn],
            [program.s3ObjectArn, s3ObjectArn],
            [program.logGroupArn, logGroupArn],
            [program.snsTopicArn, snsTopicArn],
            [program.cloudTrailArn, cloudTrailArn],
            [program.cloudWatchAlarmArn, cloudWatchAlarmArn],
            [program.kmsKeyArn, kmsKeyArn],
            [program.kmsAliasArn, kmsAliasArn],
        ];
        for (const [a, b] of pairs) assert.strictEqual(a, b);
        // Where nothing names a partition, the pack's stand-ins are commercial ones.
        assert.strictEqual(PROBE_PARTITION, "aws");
    });
});

// ---------------------------------------------------------------------------------------------
// The scan: no ARN built by hand outside the builders.

const ROOT = path.resolve(__dirname, "../..");
/** The sources of the program, the plan, the pack, the evidence and the commands (not test/). */
const SOURCES = [
    "index.ts",
    "cli",
    "components",
    "config",
    "evidence",
    "plan",
    "policypack",
    "stacks",
    "verify",
    "scripts",
];

/**
 * Where a template literal may still spell an ARN out, each with why. Tests (test/) are not
 * scanned at all: their fixtures and expectations write ARNs literally on purpose, since an
 * expectation built with the builder under test would share its mistakes.
 */
const ALLOWED: readonly { file: string; literal?: RegExp; why: string }[] = [
    { file: "policypack/iam/arn.ts", why: "the builders themselves" },
    {
        file: "plan/mocks.ts",
        why: "the stand-in for AWS's own answers (the `arn` outputs of created resources): an independent statement of the formats, so a builder's mistake shows as a mismatch instead of being repeated",
    },
    {
        file: "policypack/iam/privileges.ts",
        literal: /^`arn:aws:[a-z0-9-]+:(us-east-1)?:\$\{PROBE_ACCOUNT\}:[^$`]*`$/,
        why: "the escalation table's probe resources: data in the stand-in partition, region and account, moved to a graph's own by evidence/proofs/edges/iam.ts",
    },
    {
        file: "scripts/bench.ts",
        why: "benchmark input: documents as users write them",
    },
    {
        file: "scripts/bench-policy.ts",
        why: "benchmark input: documents as users write them",
    },
];

/** Every `arn:...${...}...` template literal of a source text, with its line (comments skipped). */
function handBuiltArns(text: string): { line: number; literal: string }[] {
    const out: { line: number; literal: string }[] = [];
    for (const m of text.matchAll(/`arn:[^`]*`/g)) {
        const literal = m[0];
        if (!literal.includes("${")) continue;
        const start = text.lastIndexOf("\n", m.index) + 1;
        const prefix = text.slice(start, m.index).trim();
        // A JSDoc or line comment quoting an ARN pattern (`user/${aws:username}`) builds nothing.
        if (/^(\/\/|\/?\*)/.test(prefix)) continue;
        out.push({ line: text.slice(0, m.index).split("\n").length, literal });
    }
    return out;
}

function sourceFiles(): string[] {
    const files: string[] = [];
    const walk = (rel: string) => {
        const abs = path.join(ROOT, rel);
        if (!fs.existsSync(abs)) return;
        if (fs.statSync(abs).isDirectory()) {
            for (const e of fs.readdirSync(abs)) if (e !== "node_modules") walk(path.join(rel, e));
        } else if (rel.endsWith(".ts")) files.push(rel.split(path.sep).join("/"));
    };
    for (const s of SOURCES) walk(s);
    return files;
}

describe("no ARN built by hand outside the builders (source scan)", () => {
    it("finds a hand-built ARN template, and no false one in a comment (the scan itself)", () => {
        const sample = [
            "/** A session: `arn:aws:sts::${account}:assumed-role/x/y`. */",
            "// `arn:${p}:iam::${a}:role/r` in a comment",
            "const a = `arn:${partition}:iam::${account}:role/${name}`;",
            "const b = `arn:aws:sts::${account}:assumed-role/${r}/s`;",
            'const c = "arn:aws:iam::123456789012:root";',
            "const d = `arn:aws:s3:::fixed`;",
        ].join("\n");
        assert.deepStrictEqual(handBuiltArns(sample), [
            { line: 3, literal: "`arn:${partition}:iam::${account}:role/${name}`" },
            { line: 4, literal: "`arn:aws:sts::${account}:assumed-role/${r}/s`" },
        ]);
    });

    it("finds none in the program, the plan, the pack, the evidence or the commands, but those allowed", () => {
        const files = sourceFiles();
        assert.ok(files.length > 100, `only ${files.length} files scanned`);
        const found: string[] = [];
        const allowedSeen = new Set<string>();
        for (const file of files) {
            for (const { line, literal } of handBuiltArns(
                fs.readFileSync(path.join(ROOT, file), "utf8"),
            )) {
                const allowed = ALLOWED.find(
                    (a) => a.file === file && (!a.literal || a.literal.test(literal)),
                );
                if (allowed) allowedSeen.add(allowed.file);
                else found.push(`${file}:${line}: ${literal}`);
            }
        }
        assert.deepStrictEqual(
            found,
            [],
            "build ARNs with policypack/iam/arn.ts (components/arns.ts re-exports it) instead",
        );
        // Every allowance is still needed: one that no longer matches anything goes.
        assert.deepStrictEqual(
            ALLOWED.map((a) => a.file).filter((f) => !allowedSeen.has(f)),
            [],
        );
    });
});
