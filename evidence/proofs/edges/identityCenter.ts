// IAM Identity Center assignments as edges: an Identity Store group's members sign in to the access
// portal and enter the role a permission set provisions in an account (evidence/model.ts
// permissionSetRolesOf) by SAML, through the instance. The role's trust is AWS's (the account's
// AWSSSO_..._DO_NOT_DELETE SAML provider); who gets in is decided by the plan's
// AccountAssignments, so that is what the proofs read.
// https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-and-iam-roles.html
import {
    AUDIT_PERMISSION_SET,
    BREAK_GLASS_PERMISSION_SET,
    INCIDENT_RESPONSE_PERMISSION_SET,
} from "../../../config/schema/identityCenter";
import { permissionSetRoleArn } from "../../model";
import { namesOf, ofType, refersTo } from "../../../policypack/model/references";
import { str } from "../../../policypack/model/resources";
import { permissionSetHolders } from "../../../policypack/policies/permissionSets";
import type { ProofInput } from "../types";

const ACCOUNT_ASSIGNMENT = "aws:ssoadmin/accountAssignment:AccountAssignment";

/** One assignment: a principal of the identity store into an account with a permission set. */
export interface AssignmentEdge {
    /** `GROUP` or `USER`, as the assignment gives it. */
    readonly principalType: string;
    readonly principalId: string;
    readonly accountId: string;
    /** The permission set's name, when the plan defines the set. */
    readonly permissionSet?: string;
    /**
     * The permission set the assignment names when the plan does not define it (a set made by
     * hand or by another tool): its policies are unknown, so the proofs take it as admin-equivalent
     * and as not checked.
     */
    readonly foreignPermissionSet?: string;
    /** The ARN of the role the set provisions there (the model's), when the set is known. */
    readonly roleArn?: string;
    /** The assignment's Pulumi name, for the message. */
    readonly name: string;
}

/** The Identity Store groups the security stack designates, by duty (its `identityCenter` output). */
export interface DesignatedGroups {
    readonly audit: readonly string[];
    readonly incidentResponse: readonly string[];
    readonly breakGlass: readonly string[];
}

export function designatedGroups(input: ProofInput): DesignatedGroups | undefined {
    const ic = input.outputs.identityCenter as
        | {
              auditGroups?: readonly string[];
              incidentResponseGroups?: readonly string[];
              breakGlassGroups?: readonly string[];
          }
        | undefined;
    if (!ic) return undefined;
    return {
        audit: ic.auditGroups ?? [],
        incidentResponse: ic.incidentResponseGroups ?? [],
        breakGlass: ic.breakGlassGroups ?? [],
    };
}

/** Every assignment of the stack's resources, with the role it lets its principal into. */
export function assignmentEdges(input: ProofInput): AssignmentEdge[] {
    const sets = permissionSetHolders(input.resources as never).filter(
        (h) => h.permissionSet && h.name,
    );
    const ssoRegion =
        str((input.outputs.identityCenter as { ssoRegion?: unknown } | undefined)?.ssoRegion) ??
        input.model.region;
    return ofType(input.resources, ACCOUNT_ASSIGNMENT).map((a) => {
        const set = sets.find((h) =>
            refersTo(a.props.permissionSetArn, namesOf(h.permissionSet as never, "arn")),
        );
        const accountId = str(a.props.targetId) ?? "(unknown)";
        return {
            principalType: str(a.props.principalType) ?? "(unknown)",
            principalId: str(a.props.principalId) ?? "(unknown)",
            accountId,
            name: a.name,
            ...(set?.name
                ? {
                      permissionSet: set.name,
                      roleArn: permissionSetRoleArn(
                          input.model.partition,
                          accountId,
                          set.name,
                          ssoRegion,
                      ),
                  }
                : { foreignPermissionSet: str(a.props.permissionSetArn) ?? "(unknown)" }),
        };
    });
}

/** Which of the designated groups' duties a group holds, by the permission set that duty gets. */
export function dutySetOf(groups: DesignatedGroups, groupId: string): string | undefined {
    if (groups.audit.includes(groupId)) return AUDIT_PERMISSION_SET;
    if (groups.incidentResponse.includes(groupId)) return INCIDENT_RESPONSE_PERMISSION_SET;
    if (groups.breakGlass.includes(groupId)) return BREAK_GLASS_PERMISSION_SET;
    return undefined;
}
