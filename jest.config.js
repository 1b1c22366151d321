// One run over every package, so `npm test` prints one total.
module.exports = {
  // Global options (projects cannot set them): real databases, brokers and child processes take time.
  testTimeout: 60_000,
  // Every package, or those of the tiers CIVGRID_TEST_TIER names (jest.tiers.js).
  projects: require('./jest.tiers.js').projects(),
};
