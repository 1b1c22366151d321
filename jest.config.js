// One run over every package, so `npm test` prints one total.
module.exports = {
  // Global options (projects cannot set them): real databases, brokers and child processes take time.
  testTimeout: 60_000,
  projects: ['<rootDir>/libs/*/jest.config.js', '<rootDir>/services/*/jest.config.js', '<rootDir>/gateway/jest.config.js'],
};
