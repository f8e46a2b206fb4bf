export { DEMO_PASSWORD, seedDemo, type DemoLogin, type DemoSummary } from './seed';
export { seedScale, type ScaleOptions, type ScaleSummary } from './scale';
