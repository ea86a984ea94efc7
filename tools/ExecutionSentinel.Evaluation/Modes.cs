namespace ExecutionSentinel.Evaluation;

/// <summary>The ways of setting expectations compared, in the order printed: the product with history first, the baseline last.</summary>
internal static class Modes
{
    public static IEnumerable<IExpectationMode> All() => [new InventoryHistoryMode(), new InRunMedianMode()];
}
