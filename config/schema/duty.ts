// The duties' keys: the incident responders and the break-glass users of the security account.
import { z } from "zod";
import { strictList, userName } from "./common";

/** The incident responders: IAM users (MFA, no keys) who may assume IncidentResponseRole where a workload account enables it. */
export const incidentResponseSchema = z
    .strictObject({
        responders: strictList(userName(), "IAM user names").min(1, {
            error: "must name at least one responder",
        }),
    })
    .optional();

/** The break-glass group: IAM users (MFA, no keys) who alone may assume BreakGlassRole where a workload account enables it. */
export const breakGlassSchema = z
    .strictObject({
        users: strictList(userName(), "IAM user names").min(1, {
            error: "must name at least one break-glass user",
        }),
    })
    .optional();
