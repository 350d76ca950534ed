export { loadConfig, type ServerConfig } from './config.js';
export { openDatabase } from './db/database.js';
export { migrateToLatest } from './db/migrator.js';
export { type RunningServer, startServer } from './server.js';
