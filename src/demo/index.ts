export { DEMO_PASSWORD, seedDemo, type DemoLogin, type DemoSummary } from './seed';
