namespace ExecutionSentinel.Evaluation;

/// <summary>
/// The ways of setting expectations compared, in the order printed: the product with its history store first (the
/// headline), the harness' own history handed over as inventory expectations (how the first figures were
/// measured), and the baseline without history last.
/// </summary>
internal static class Modes
{
    public static IEnumerable<IExpectationMode> All(string workflowName, int learn) =>
        [new ProductHistoryMode(workflowName, learn), new InventoryHistoryMode(), new InRunMedianMode()];
}
