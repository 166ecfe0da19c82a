describe('runtime', () => {
  it('runs the tests on Node 24, as action.yml runs the action', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});
