// Which permission set an attachment belongs to (policypack/policies/permissionSets.ts setOf), as the
// engine presents it to the pack: the attachment's permissionSetArn decides when it is known; the
// engine's property dependencies only when it is unknown, and only when they name one set. Issue 12,
// second review: dependencies consulted first let an attachment computed from the BreakGlass set's
// output (pulumi.all([breakGlass.arn, admin.arn]).apply(([, a]) => a)) exempt an admin set.
import * as assert from "assert";
import { checkResources, PlannedResource } from "../../policypack/runner";
import { UNKNOWN_STRING } from "./helpers";

const INSTANCE = "arn:aws:sso:::instance/ssoins-1234567890abcdef";
const SET_ARN = (id: string) => `arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-${id}`;
const URN = (type: string, name: string) => `urn:pulumi:security::org-access::${type}::${name}`;
const PERMISSION_SET = "aws:ssoadmin/permissionSet:PermissionSet";
const MANAGED = "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment";
const BOUNDARY = "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment";
const CONFIG = { "iam-no-admin-grants": { breakGlassPermissionSets: ["BreakGlass"] } };

/** The BreakGlass set (exempt by name) and an Admin set, each with its ARN known or not. */
function sets(arns: "known" | "unknown"): PlannedResource[] {
    return ["BreakGlass", "Admin"].map((name) => ({
        type: PERMISSION_SET,
        name: name.toLowerCase(),
        urn: URN(PERMISSION_SET, name.toLowerCase()),
        props: {
            name,
            instanceArn: INSTANCE,
            sessionDuration: "PT1H",
            ...(arns === "known" ? { arn: SET_ARN(name.toLowerCase()) } : { arn: UNKNOWN_STRING }),
        },
    }));
}

/** AdministratorAccess attached to `permissionSetArn`, computed from the sets named by `from`. */
function adminAccess(permissionSetArn: string, from: readonly string[]): PlannedResource {
    return {
        type: MANAGED,
        name: "admin-access",
        urn: URN(MANAGED, "admin-access"),
        props: {
            instanceArn: INSTANCE,
            permissionSetArn,
            managedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
        },
        propertyDependencies: { permissionSetArn: from.map((n) => URN(PERMISSION_SET, n)) },
    } as PlannedResource;
}

function adminFindings(resources: PlannedResource[]): string[] {
    return checkResources(resources, CONFIG)
        .filter((v) => v.policy === "iam-no-admin-grants")
        .map((v) => v.message);
}

describe("iam-no-admin-grants: the permission set an attachment belongs to", () => {
    describe("a known permissionSetArn decides, whatever the value was computed from", () => {
        for (const from of [[], ["admin"], ["breakglass"], ["breakglass", "admin"]]) {
            it(`Admin's ARN, computed from [${from.join(", ")}]: the Admin set is admin`, () => {
                const found = adminFindings([
                    ...sets("known"),
                    adminAccess(SET_ARN("admin"), from),
                ]);
                assert.strictEqual(found.length, 1, found.join("\n"));
                assert.match(found[0], /permission set "Admin".*AdministratorAccess/);
            });
        }

        it("BreakGlass's ARN, computed from the Admin set: exempt, as the ARN says", () => {
            assert.deepStrictEqual(
                adminFindings([...sets("known"), adminAccess(SET_ARN("breakglass"), ["admin"])]),
                [],
            );
        });
    });

    describe("an unknown permissionSetArn (a first preview): the property dependencies", () => {
        it("naming the BreakGlass set alone: exempt", () => {
            assert.deepStrictEqual(
                adminFindings([...sets("unknown"), adminAccess(UNKNOWN_STRING, ["breakglass"])]),
                [],
            );
        });

        it("naming the Admin set alone: the Admin set is admin", () => {
            const found = adminFindings([
                ...sets("unknown"),
                adminAccess(UNKNOWN_STRING, ["admin"]),
            ]);
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], /permission set "Admin"/);
        });

        it("naming both sets: nobody's, so never exempt", () => {
            const found = adminFindings([
                ...sets("unknown"),
                adminAccess(UNKNOWN_STRING, ["breakglass", "admin"]),
            ]);
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], /AdministratorAccess/);
            assert.doesNotMatch(found[0], /permission set "BreakGlass"/);
        });

        it("a boundary computed from both sets caps neither", () => {
            const boundary = {
                type: BOUNDARY,
                name: "boundary",
                urn: URN(BOUNDARY, "boundary"),
                props: {
                    instanceArn: INSTANCE,
                    permissionSetArn: UNKNOWN_STRING,
                    permissionsBoundary: {
                        managedPolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess",
                    },
                },
                propertyDependencies: {
                    permissionSetArn: [
                        URN(PERMISSION_SET, "breakglass"),
                        URN(PERMISSION_SET, "admin"),
                    ],
                },
            } as PlannedResource;
            const found = adminFindings([
                ...sets("unknown"),
                adminAccess(UNKNOWN_STRING, ["admin"]),
                boundary,
            ]);
            assert.strictEqual(found.length, 1, found.join("\n"));
            assert.match(found[0], /permission set "Admin"/);
        });
    });
});
