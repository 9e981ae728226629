"""Parameter count, active parameters and FLOPs per token, from a ``config.json``.

The counting itself lives in ``dscalc.model.params`` (which also states both per-token conventions).
FLOPs per token: ``forward_flops_per_token = 2 × matmul_params_per_token`` (one multiply and one
add per weight a token is multiplied by); ``attention_flops_per_token`` is the part that grows
with the context and has no weights: a new token attending to ``T`` cached tokens computes, in
each layer and each of the ``n_h`` query heads, ``T`` dot products of length ``d_qk`` and a
``T``-term weighted sum of ``d_v``-wide values: ``2 × L × T × n_h × (d_qk + d_v)`` FLOPs (for MLA
``d_qk = qk_nope_head_dim + qk_rope_head_dim``, ``d_v = v_head_dim``, in the naive, non-absorbed
form). A causal prefill of ``T`` tokens averages ``T/2`` per token. Layers that see less than
the whole context count what they see: ``min(T, W − 1)`` tokens in a sliding window,
``min(T, C − 1)`` in a Llama 4 chunk, ``min(T, k)`` in DSA, whose lightning indexer adds
``2 T H_I d_I`` (it scores every token). Linear-attention and Mamba layers have no per-token
attention; ``recurrent_flops_per_token`` counts their state read-out and update,
``4 × state elements`` per layer.

Which configs are understood: ``model_type`` llama, mistral, qwen2, qwen3, qwen2_moe, qwen3_moe,
mixtral, phimoe, deepseek_v2, deepseek_v3, deepseek_v32 (DSA), gpt_oss, llama4 (its
``text_config``; the vision encoder separately), qwen3_next, qwen3_5_moe (its ``text_config``),
nemotron_h, deepseek_v4 (``dscalc.model.compressed_attention``: CSA/HCA, mHC, grouped output
projection, hash-routed MoE) and gpt3 (the GPT-3 paper's Table 2.1 written as a config). Any other ``model_type`` (which must then state ``tie_word_embeddings``) is read by its
keys as a Llama-style decoder, unless a key marks an architecture the reader cannot count; then
the config is refused with a message naming that key rather than counted wrongly.
"""

from __future__ import annotations

from ..framework import inputs
from ..model.params import model_size
from ..framework.schema import Calculator, Output
from ..framework.text import Text
from ..framework.units import latex_int


def compute(values: dict) -> dict:
    config, origin = inputs.resolve_config(values["model"], values["config"])
    size = model_size(config)
    counts = size.counts
    return {
        "model_name": inputs.model_name(values["model"], values["config"]),
        "counted_as": size.counted_as,
        "attention_kind": size.attention_kind,
        "layer_mix": size.layer_mix,
        "num_layers": size.num_layers,
        "num_moe_layers": size.num_moe_layers,
        "total_params": counts.total,
        "active_params": counts.active,
        "matmul_params_per_token": counts.matmul,
        "mtp_params": size.mtp if size.mtp_known else None,
        "mtp_unique_params": size.mtp_unique if size.mtp_known else None,
        "total_params_with_mtp": counts.total + size.mtp if size.mtp_known else None,
        "vision_params": size.vision,
        "total_params_with_vision": None if size.vision is None else counts.total + size.vision,
        "embedding_params": counts.embedding,
        "lm_head_params": counts.lm_head,
        "tied_head_params": counts.tied_head,
        "attention_params": counts.attention,
        "indexer_params": counts.indexer,
        "recurrent_params": counts.recurrent,
        "dense_mlp_params": counts.dense_mlp,
        "routed_expert_params": counts.routed_experts,
        "active_routed_expert_params": counts.active_routed_experts,
        "shared_expert_params": counts.shared_experts,
        "router_params": counts.router,
        "norm_params": counts.norm,
        "hyper_connection_params": counts.hyper_connections,
        "forward_flops_per_token": 2 * counts.matmul,
        "attention_flops_per_token": size.attention_flops_per_token(values["context_length"]),
        "recurrent_flops_per_token": size.recurrent_flops_per_token,
        "counting_notes": list(size.notes),
        "num_heads": size.num_heads,
        "qk_head_dim": size.qk_head_dim,
        "v_head_dim": size.v_head_dim,
        "config_source": origin,
    }


def formula(values: dict, out: dict) -> list[str]:
    o = {name: latex_int(value) for name, value in out.items()
         if isinstance(value, int) and not isinstance(value, bool)}
    extra = (("idx", "indexer_params"), ("rec", "recurrent_params"),
             ("hc", "hyper_connection_params"))
    extra_terms = "".join(rf" + N_{{\text{{{name}}}}}" for name, key in extra if out[key])
    extra_values = "".join(f" + {o[key]}" for _, key in extra if out[key])
    lines = [
        rf"N = N_{{\text{{emb}}}} + N_{{\text{{head}}}} + N_{{\text{{attn}}}}{extra_terms}"
        rf" + N_{{\text{{mlp}}}} + N_E + N_S + N_r + N_{{\text{{norm}}}} = "
        rf"{o['embedding_params']} + {o['lm_head_params']} + {o['attention_params']}"
        rf"{extra_values} + {o['dense_mlp_params']} + "
        rf"{o['routed_expert_params']} + {o['shared_expert_params']} + {o['router_params']} + "
        rf"{o['norm_params']} = {o['total_params']}",
        rf"N_{{\text{{act}}}} = N - N_E + N_E^{{\text{{act}}}} = {o['total_params']} - "
        rf"{o['routed_expert_params']} + {o['active_routed_expert_params']} = {o['active_params']}",
        rf"N_{{\text{{mm}}}} = N_{{\text{{act}}}} - N_{{\text{{emb}}}} + N_{{\text{{tied}}}}"
        rf" = {o['active_params']} - {o['embedding_params']} + {o['tied_head_params']}"
        rf" = {o['matmul_params_per_token']}",
        rf"C_{{\text{{fwd}}}} = 2\,N_{{\text{{mm}}}} = 2 \times {o['matmul_params_per_token']}"
        rf" = {o['forward_flops_per_token']}\ \text{{FLOP}}",
    ]
    if out["layer_mix"] == f"{out['num_layers']} full_attention" or out["counted_as"] == "gpt3":
        lines.append(
            rf"C_{{\text{{attn}}}} = 2\,L\,T\,n_h\,(d_{{qk}} + d_v) = 2 \times {o['num_layers']}"
            rf" \times {latex_int(values['context_length'])} \times {o['num_heads']} \times "
            rf"({o['qk_head_dim']} + {o['v_head_dim']}) = {o['attention_flops_per_token']}"
            rf"\ \text{{FLOP}}")
    elif out["counted_as"].startswith("deepseek_v4"):
        lines.append(
            rf"C_{{\text{{attn}}}} = \sum_{{\ell}} 2\,T_\ell\,n_h\,(d_{{qk}} + d_v)"
            rf" + 2\,\lfloor T/m \rfloor\,H_I\,d_I\,L_{{\text{{CSA}}}} = "
            rf"{o['attention_flops_per_token']}\ \text{{FLOP}}")
    else:
        lines.append(
            rf"C_{{\text{{attn}}}} = \sum_{{\ell}} 2\,T_\ell\,n_h\,(d_{{qk}} + d_v)"
            rf" + 2\,T\,H_I\,d_I\,L_{{\text{{DSA}}}} = {o['attention_flops_per_token']}"
            rf"\ \text{{FLOP}}")
    if out["recurrent_flops_per_token"]:
        lines.append(rf"C_{{\text{{rec}}}} = 4\,L_S\,|S| = {o['recurrent_flops_per_token']}"
                     rf"\ \text{{FLOP}}")
    if out["mtp_params"]:
        lines.append(rf"N + N_{{\text{{MTP}}}} = {o['total_params']} + {o['mtp_params']}"
                     rf" = {o['total_params_with_mtp']}")
    if out["vision_params"]:
        lines.append(rf"N + N_{{\text{{vis}}}} = {o['total_params']} + {o['vision_params']}"
                     rf" = {o['total_params_with_vision']}")
    return lines


def notes(values: dict, out: dict) -> list[Text]:
    found = []
    if "mtp_not_counted" in out["counting_notes"]:
        found.append(Text("この config は MTP 層（mtp_num_hidden_layers または num_nextn_predict_layers）を"
                          "宣言していますが、transformers が組み立てないか構成が分からないため含めていません。",
                          "The config declares MTP layers (mtp_num_hidden_layers or "
                          "num_nextn_predict_layers) that transformers does not build or whose "
                          "layout is not known here; they are not counted."))
    if "vision_not_counted" in out["counting_notes"]:
        found.append(Text("画像エンコーダ（vision_config）は数えていません。総パラメータ数は言語モデルだけです。",
                          "The vision encoder (vision_config) is not counted: the totals are the "
                          "language model's."))
    if out["vision_params"]:
        found.append(Text("画像エンコーダと射影（{v:,} パラメータ）は総パラメータ数に含めず、別に示しています。",
                          "The vision encoder and projector ({v:,} parameters) are shown "
                          "separately, outside the total.").format(v=out["vision_params"]))
    return found


def _params(name: str, ja: str, en: str) -> Output:
    return Output(name, Text(ja, en), "params")


MODEL_SIZE = Calculator(
    id="model-size",
    title=Text("パラメータ数と FLOPs", "Parameters and FLOPs"),
    summary=Text("config.json から総パラメータ数・アクティブパラメータ数・内訳と、"
                 "1 トークンあたりの FLOPs を数えます。",
                 "Total and active parameters, their breakdown, and FLOPs per token, counted "
                 "from a config.json."),
    inputs=(
        inputs.model(),
        inputs.config(),
        inputs.context_length(default=4096, label=Text("コンテキスト長（アテンション FLOPs 用）",
                                                       "Context length (for attention FLOPs)")),
    ),
    outputs=(
        Output("model_name", Text("モデル", "Model"), "text"),
        Output("counted_as", Text("数え方", "Counted as"), "text"),
        Output("attention_kind", Text("アテンション方式", "Attention kind"), "text"),
        Output("layer_mix", Text("層の内訳", "Layers by kind"), "text"),
        Output("num_layers", Text("層数", "Layers"), "count"),
        Output("num_moe_layers", Text("MoE 層数", "MoE layers"), "count"),
        _params("total_params", "総パラメータ数（MTP を除く）", "Total parameters (without MTP)"),
        _params("active_params", "アクティブパラメータ数（ベンダーの数え方: 埋め込み・出力ヘッドを含む）",
                "Active parameters (vendors' convention: embedding and head included)"),
        _params("matmul_params_per_token", "1 トークンが掛け算する重み（入力埋め込みの表引きを除く）",
                "Weights multiplied per token (input-embedding look-up excluded)"),
        _params("mtp_params", "MTP モジュール（チェックポイント上）",
                "MTP module (as stored in the checkpoint)"),
        _params("mtp_unique_params", "MTP モジュール（共有行列の複製を除く）",
                "MTP module (without the copies of shared matrices)"),
        _params("total_params_with_mtp", "総パラメータ数（MTP を含む）",
                "Total parameters (with MTP)"),
        _params("vision_params", "画像エンコーダと射影（別計上）",
                "Vision encoder and projector (counted separately)"),
        _params("total_params_with_vision", "総パラメータ数（画像エンコーダを含む）",
                "Total parameters (with the vision encoder)"),
        _params("embedding_params", "入力埋め込み", "Input embedding"),
        _params("lm_head_params", "出力ヘッド（lm_head）", "Output head (lm_head)"),
        _params("attention_params", "アテンション", "Attention"),
        _params("indexer_params", "DSA のライトニング・インデクサ", "DSA lightning indexer"),
        _params("recurrent_params", "線形アテンション／Mamba 層のミキサー",
                "Linear-attention / Mamba mixers"),
        _params("dense_mlp_params", "密な MLP", "Dense MLP"),
        _params("routed_expert_params", "ルーティングされるエキスパート（全部）",
                "Routed experts (all)"),
        _params("active_routed_expert_params", "ルーティングされるエキスパート（選ばれる分）",
                "Routed experts (picked per token)"),
        _params("shared_expert_params", "共有エキスパート", "Shared experts"),
        _params("router_params", "ルータ（ゲート）", "Router (gates)"),
        _params("norm_params", "正規化層", "Norms"),
        _params("hyper_connection_params", "ハイパーコネクション（mHC）", "Hyper-connections (mHC)"),
        Output("forward_flops_per_token", Text("順伝播 FLOPs/トークン（2 × 掛け算する重み）",
                                               "Forward FLOPs per token (2 × weights multiplied)"),
               "flops"),
        Output("attention_flops_per_token", Text("アテンション FLOPs/トークン（コンテキスト分）",
                                                 "Attention FLOPs per token (over the context)"),
               "flops"),
        Output("recurrent_flops_per_token",
               Text("線形アテンション／Mamba の状態更新 FLOPs/トークン",
                    "Linear-attention / Mamba state FLOPs per token"), "flops"),
        Output("config_source", Text("config の出典", "Config source"), "url"),
        Output("counting_notes", Text("数え方の注記", "Counting notes"), "data"),
        Output("tied_head_params", Text("出力ヘッドと共有された埋め込み", "Embedding tied to the head"),
               "data"),
        Output("num_heads", Text("クエリヘッド数", "Query heads"), "data"),
        Output("qk_head_dim", Text("クエリ・キー次元", "Query/key dimension"), "data"),
        Output("v_head_dim", Text("バリュー次元", "Value dimension"), "data"),
    ),
    compute=compute,
    formula=formula,
    notes=notes,
    symbols=(
        ("N", Text("総パラメータ数", "total parameters")),
        ("N_{\\text{emb}}", Text("入力埋め込み（表引き）", "input embedding (a look-up)")),
        ("N_{\\text{tied}}", Text("出力ヘッドと共有された埋め込み行列（ヘッドとして掛け算される）",
                                  "embedding matrix shared with the output head "
                                  "(multiplied as the head)")),
        ("N_E", Text("ルーティングされるエキスパート全部", "all routed experts")),
        ("N_E^{\\text{act}}", Text("選ばれるエキスパート（層ごとに k 個）",
                                   "picked experts (k per layer)")),
        ("N_S", Text("共有エキスパート", "shared experts")),
        ("N_r", Text("ルータ", "routers")),
        ("N_{\\text{act}}", Text("アクティブパラメータ（ベンダーの数え方）", "active parameters (vendors' convention)")),
        ("N_{\\text{mm}}", Text("1 トークンが掛け算する重み", "weights multiplied per token")),
        ("L", Text("層数", "layers")),
        ("T", Text("コンテキスト長", "context length")),
        ("n_h", Text("クエリヘッド数", "query heads")),
        ("d_{qk}", Text("ヘッドあたりのクエリ・キー次元", "query/key dimension per head")),
        ("d_v", Text("ヘッドあたりのバリュー次元", "value dimension per head")),
        ("T_\\ell", Text("層 ℓ が注意を向けるトークン数（全体 T、窓 min(T, W−1)、DSA min(T, k)）",
                          "tokens layer ℓ attends to (T, min(T, W−1) in a window, min(T, k) in DSA)")),
        ("H_I,\\ d_I", Text("DSA インデクサのヘッド数と次元", "DSA indexer heads and dimension")),
        ("L_S,\\ |S|", Text("線形アテンション／Mamba 層の数と 1 層の状態の要素数",
                             "linear-attention / Mamba layers and state elements per layer")),
        ("N_{\\text{idx}},\\ N_{\\text{rec}}", Text("インデクサ、線形アテンション／Mamba のミキサー",
                                                     "indexer, linear-attention / Mamba mixers")),
        ("N_{\\text{hc}}", Text("ハイパーコネクション（mHC、DeepSeek-V4）",
                                 "hyper-connections (mHC, DeepSeek-V4)")),
        ("m,\\ L_{\\text{CSA}}", Text("DeepSeek-V4 の CSA の圧縮率と層の数",
                                         "DeepSeek-V4's CSA compression rate and layers")),
        ("N_{\\text{vis}}", Text("画像エンコーダと射影", "vision encoder and projector")),
    ),
)
