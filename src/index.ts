// Public library API (package main entry).
export * from './core/filter/index.js';
