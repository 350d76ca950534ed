export * from './pending-connections.js';
