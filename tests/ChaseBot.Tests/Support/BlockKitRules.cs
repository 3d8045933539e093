using System.Text.Json.Nodes;
using ChaseBot.Core.Slack;

namespace ChaseBot.Tests.Support;

/// <summary>
/// Slack's documented Block Kit limits, checked on what ChaseBot sends: block count, text lengths, ids and their
/// uniqueness, buttons. Slack refuses a whole message or view that breaks one (invalid_blocks), so a test that renders
/// a big ledger asserts these.
/// </summary>
public static class BlockKitRules
{
    public const int MessageLimit = BlockKit.MaxBlocks;
    public const int HomeLimit = BlockKit.MaxHomeBlocks;

    public static void AssertValid(JsonArray blocks, int maxBlocks)
    {
        Assert.InRange(blocks.Count, 1, maxBlocks);
        var blockIds = new HashSet<string>();
        foreach (var block in blocks.Select(b => b!.AsObject()))
        {
            var type = block["type"]!.GetValue<string>();
            Assert.Contains(type, new[] { "header", "section", "context", "divider", "actions" });
            if (block["block_id"]?.GetValue<string>() is { } blockId)
            {
                Assert.InRange(blockId.Length, 1, BlockKit.MaxId);
                Assert.True(blockIds.Add(blockId), $"block_id {blockId} is used twice");
            }
            switch (type)
            {
                case "header":
                    Assert.Equal("plain_text", block["text"]!["type"]!.GetValue<string>());
                    Assert.InRange(block["text"]!["text"]!.GetValue<string>().Length, 1, BlockKit.MaxHeader);
                    break;
                case "section":
                    Assert.InRange(block["text"]!["text"]!.GetValue<string>().Length, 1, BlockKit.MaxSectionText);
                    Assert.True(block["fields"] is null || block["fields"]!.AsArray().Count <= 10);
                    break;
                case "context":
                    var elements = block["elements"]!.AsArray();
                    Assert.InRange(elements.Count, 1, 10);
                    Assert.All(elements, e => Assert.InRange(e!["text"]!.GetValue<string>().Length, 1, BlockKit.MaxSectionText));
                    break;
                case "actions":
                    var buttons = block["elements"]!.AsArray();
                    Assert.InRange(buttons.Count, 1, 25);
                    var actionIds = new HashSet<string>();
                    foreach (var button in buttons.Select(b => b!.AsObject()))
                    {
                        Assert.Equal("button", button["type"]!.GetValue<string>());
                        Assert.InRange(button["text"]!["text"]!.GetValue<string>().Length, 1, BlockKit.MaxButtonText);
                        Assert.InRange(button["value"]!.GetValue<string>().Length, 1, BlockKit.MaxValue);
                        var actionId = button["action_id"]!.GetValue<string>();
                        Assert.InRange(actionId.Length, 1, BlockKit.MaxId);
                        Assert.True(actionIds.Add(actionId), $"action_id {actionId} is used twice in one block");
                    }
                    break;
            }
        }
    }
}
