"""A generated notes folder for ingest tests: varied sections (not copies), deterministic from a seed.

The fault-injection test needs a corpus big enough to be killed mid-embedding and
mid-write, yet small enough to re-ingest in seconds: a few files of `## N.` sections
whose bodies combine different topics, facts and lengths, so every chunk is distinct
and sections span one to four chunks.
"""

from __future__ import annotations

import random
from pathlib import Path

TOPICS = [
    ("梯度爆炸", "gradient explosion", "梯度范数随层数指数增长，训练发散，损失变成 NaN。"),
    ("梯度消失", "vanishing gradient", "反向传播时梯度逐层变小，浅层参数几乎不更新。"),
    ("批归一化", "batch normalization", "对每个小批量的激活做标准化，再用可学习的缩放和平移恢复表达能力。"),
    ("层归一化", "layer normalization", "在单个样本的特征维上做标准化，不依赖批大小，常用于 Transformer。"),
    ("Dropout", "dropout", "训练时随机丢弃神经元，相当于集成许多子网络，缓解过拟合。"),
    ("注意力机制", "attention", "用查询和键的相似度加权求和值向量，让模型关注相关位置。"),
    ("残差连接", "residual connection", "把输入直接加到输出上，梯度可以沿恒等路径传播，深层网络更易训练。"),
    ("学习率预热", "learning rate warmup", "训练初期用较小学习率逐步升高，避免自适应优化器早期不稳定。"),
    ("权重衰减", "weight decay", "在更新中按比例缩小权重，等价于 L2 正则（SGD 下），限制模型复杂度。"),
    ("交叉熵损失", "cross entropy", "衡量预测分布与真实分布的差异，与 softmax 搭配梯度形式简单。"),
    ("Adam 优化器", "Adam optimizer", "结合动量和逐参数自适应学习率，并做偏差修正。"),
    ("卷积", "convolution", "局部连接和权值共享，提取平移不变的局部特征，参数量远少于全连接。"),
    ("池化", "pooling", "对局部区域取最大值或平均值，降低分辨率并带来一定的平移不变性。"),
    ("LSTM", "long short-term memory", "用输入门、遗忘门和输出门控制细胞状态，缓解长序列的梯度消失。"),
    ("过拟合", "overfitting", "训练误差低而验证误差高，模型记住了训练数据的噪声。"),
    ("数据增强", "data augmentation", "对训练样本做随机裁剪、翻转、颜色扰动，扩大有效数据量。"),
    ("知识蒸馏", "knowledge distillation", "用教师模型的软标签训练小的学生模型，迁移暗知识。"),
    ("位置编码", "position encoding", "为没有顺序概念的自注意力注入位置信息，可用正弦函数或可学习向量。"),
    ("梯度裁剪", "gradient norm clipping", "当梯度范数超过阈值时按比例缩放，防止一次更新走得太远。"),
    ("早停", "early stopping", "验证集指标若干轮不再提升就停止训练，是一种隐式正则化。"),
    ("标签平滑", "label smoothing", "把独热标签的一部分概率分给其他类别，防止模型过度自信。"),
    ("混合精度训练", "mixed precision", "用半精度计算、单精度保存主权重，并做损失缩放防止下溢。"),
]
ASPECTS = ["原因", "表现", "解决办法", "面试追问", "代码要点", "与相近概念的区别"]


def write_notes(folder: Path, files: int = 3, per_file: int = 6, seed: int = 7) -> Path:
    """Write `files` notes files of `per_file` sections each under folder; returns the folder."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    topics = TOPICS[:]
    rng.shuffle(topics)
    n = 0
    for f in range(files):
        lines = [f"# 深度学习面试笔记 第{f + 1}部分", ""]
        for q in range(per_file):
            zh, en, fact = topics[n % len(topics)]
            n += 1
            lines += [f"## {q + 1}. 什么是{zh}（{en}）？", ""]
            for aspect in rng.sample(ASPECTS, rng.randint(1, 4)):
                lines.append(f"{zh}的{aspect}：{fact}")
                lines.append(f"在第{f + 1}份笔记第{q + 1}题中，{en} 的{aspect}需要结合实例说明，"
                             f"例如第{rng.randint(2, 99)}层网络、学习率 {rng.choice(['1e-3', '3e-4', '0.1'])}。")
                lines.append("")
        (folder / f"notes-{f + 1:03d}.md").write_text("\n".join(lines), encoding="utf-8")
    return folder


def edit_notes(folder: Path) -> Path:
    """The next version of a `write_notes` folder: two sections of the first file reworded and one
    grown, the last section of the second file dropped, the last file deleted."""
    files = sorted(folder.glob("notes-*.md"))
    first = files[0].read_text(encoding="utf-8").split("\n## ")
    first[1] = first[1].replace("需要结合实例说明", "最好结合一个真实的训练故障来说明")
    first[2] += "\n补充：这一点在大模型训练中尤其重要，面试时常被追问具体的数值和现象。\n\n再补充一段，让这一节多出一个分块，" \
                "内容涉及监控梯度范数、调整学习率和检查数据管道中的异常样本。\n"
    files[0].write_text("\n## ".join(first), encoding="utf-8")
    second = files[1].read_text(encoding="utf-8")
    files[1].write_text(second[: second.rindex("\n## ")] + "\n", encoding="utf-8")
    files[-1].unlink()
    return folder
