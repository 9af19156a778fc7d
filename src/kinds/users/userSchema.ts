import { z } from "zod";
import { flag, itemsPageSchema, named, text } from "../../api/schemas";

export const userSchema = named(
  "User",
  "A Microsoft Graph user with the properties of GRAPH_USER_SELECT, named as Graph names them.",
  z.looseObject({
    id: z.string(),
    displayName: text,
    userPrincipalName: text,
    mail: text,
    accountEnabled: flag,
    userType: text,
    department: text,
  }),
);

export const usersPageSchema = itemsPageSchema("UsersPage", "One page of users.", userSchema);
