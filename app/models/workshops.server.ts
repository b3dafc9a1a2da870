/**
 * The permission-aware workshop and document queries (db/access.ts) for route modules. Routes import them
 * from here: a `.server` module is kept out of the browser bundle, db/ modules on their own are not.
 */
export {
  countDocumentsForUser,
  findDocumentForUser,
  findWorkshopForUser,
  listDocumentsForUser,
  listWorkshopsForUser,
  type DocumentWithRole,
  type WorkshopWithRole,
} from "../../db/access";
